/**
 * The simulated board itself as scenarios for Node and XS: sim/ is plain
 * TypeScript, so a Moddable desktop build could run it. Each scenario prints
 * engine-independent text (rounded numbers, our own messages).
 * Scenario rules as in test/scenarios/scenario.ts: types-only imports.
 */
import type * as Runtime from '../../../runtime/index';
import type * as Sim from '../../../sim/index';

export type SimRuntime = typeof Runtime & typeof Sim;
export type Out = (line: string) => void;

export const scenarios: Record<string, (tf: SimRuntime, out: Out) => void> = {
  'the lux flow on the simulated board for a day': (tf, out) => {
    const clock = new tf.VirtualClock();
    const device = tf.createSimDevice({ clock, seed: 5, parts: 'standard' });
    const bus = { ...device.I2C.default, io: device.io.SMBus };
    const scheduler = new tf.Scheduler(clock);
    const light = tf.ecma419Source(new tf.TSL2591({ sensor: bus }), 'illuminance', { id: 'lux', readErrors: 'skip' });
    const average = light.map((e: { val: number }) => e.val).runningAvg(5);
    average.hysteresis({ low: 80, high: 200 }).map((bright: boolean) => !bright)
      .connect(new tf.DigitalOutput({ io: device.io.Digital, pin: device.pin.led }));
    const temperature = tf.ecma419Source(new tf.TMP102({ sensor: bus }), 'temperature', { id: 'temp' });
    let luxEvents = 0;
    let tempSum = 0;
    let tempEvents = 0;
    light.connect(() => luxEvents++);
    temperature.connect((e: { val: number }) => { tempSum += e.val; tempEvents++; });
    scheduler.schedulePeriodic(light, 60);
    scheduler.schedulePeriodic(temperature, 300);
    device.board.fault('tmp102', 'nack@12h+30m');
    scheduler.run();
    clock.advance(24 * 3_600_000);
    const led = device.board.led(device.pin.led);
    out(`wakes ${clock.wakes} lux events ${luxEvents} skipped ${light.skippedReads}`);
    out(`temperature events ${tempEvents} mean ${(tempSum / tempEvents).toFixed(2)} stream closed ${temperature.closed}`);
    out(`LED changes ${led.times.map((t) => `${(t / 60_000).toFixed(0)}min=${led.values[led.times.indexOf(t)]}`).join(' ')}`);
    out(`I2C transactions ${device.board.i2c.stats.transactions} errors ${device.board.i2c.stats.errors}`);
  },

  'ECMA-419 IO errors and NACKs': (tf, out) => {
    const device = tf.createSimDevice({ parts: 'standard' });
    const i2c = new device.io.I2C({ ...device.I2C.default, hz: 100_000, address: 0x77 });
    out(`probe 0x77 -> ${i2c.write(new Uint8Array(0))}`);
    try { i2c.read(2); } catch (e: any) { out(`${e.name} ${e.code}: ${e.message}`); }
    const smbus = new device.io.SMBus({ ...device.I2C.default, hz: 100_000, address: 0x53 });
    out(`ADXL345 DEVID 0x${smbus.readUint8(0).toString(16)}`);
    smbus.close();
    try { smbus.readUint8(0); } catch (e: any) { out(`after close: ${e.message}`); }
    try { new device.io.I2C({ ...device.I2C.default, hz: 100_000, address: 0x77 }); } catch (e: any) { out(`second instance: ${e.message}`); }
    const button = new device.io.Digital({
      pin: device.pin.button, mode: device.io.Digital.InputPullUp, edge: device.io.Digital.Falling,
      onReadable(this: { read(): number }) { out(`button edge, reads ${this.read()}`); },
    });
    device.board.pins.drive(device.pin.button, 0);
    button.close();
  },

  'the SVG plot renders the same text': (tf, out) => {
    const svg = tf.renderPlot({
      title: 'xs & node',
      durationMs: 3_600_000,
      panels: [{ title: 'T', unit: '°C', series: [{ name: 't', color: '#d62728', style: 'line', times: [0, 1_800_000, 3_600_000], values: [20, 21.5, 21] }] }],
    });
    out(`length ${svg.length}`);
    out(svg.split('\n').filter((l) => l.includes('class="series"'))[0]);
  },
};
