import { createSimDevice } from '../../../sim/device';
import { SimDigital } from '../../../sim/io/digital';
import { SimAnalog } from '../../../sim/io/analog';
import { SimPWM } from '../../../sim/io/pwm';

describe('Digital (ECMA-419 embedded:io/digital) on the simulated board', () => {
  test('an output records each level it writes and reads back what it wrote', () => {
    const device = createSimDevice();
    const led = new device.io.Digital({ pin: device.pin.led, mode: device.io.Digital.Output });
    led.write(1);
    expect(led.read()).toBe(1);
    device.board.clock.advance(1000);
    led.write(0);
    led.write(0); // no change, no new history entry
    expect(device.board.led(device.pin.led).entries()).toEqual([{ t: 0, value: 1 }, { t: 1000, value: 0 }]);
    expect(device.board.led(device.pin.led).switchings).toBe(1);
  });

  test('inputs read the externally driven level, else their pull resistor', () => {
    const device = createSimDevice();
    const up = new device.io.Digital({ pin: 5, mode: device.io.Digital.InputPullUp });
    const down = new device.io.Digital({ pin: 6, mode: device.io.Digital.InputPullDown });
    expect(up.read()).toBe(1);
    expect(down.read()).toBe(0);
    device.board.pins.drive(5, 0);
    device.board.pins.drive(6, 1);
    expect(up.read()).toBe(0);
    expect(down.read()).toBe(1);
    device.board.pins.drive(5, undefined); // released: the pull-up wins again
    expect(up.read()).toBe(1);
  });

  test('edges call onReadable with this = the instance, only for the edges asked for', () => {
    const device = createSimDevice();
    const seen: [unknown, number][] = [];
    const button = new device.io.Digital({
      pin: device.pin.button,
      mode: device.io.Digital.InputPullUp,
      edge: device.io.Digital.Falling,
      onReadable(this: SimDigital) { seen.push([this, this.read()]); },
    });
    device.board.pins.drive(device.pin.button, 0); // press: falling
    device.board.pins.drive(device.pin.button, 1); // release: rising, not asked for
    device.board.pins.drive(device.pin.button, 0);
    expect(seen).toEqual([[button, 0], [button, 0]]);

    const both: number[] = [];
    const alert = new device.io.Digital({
      pin: device.pin.alert, mode: device.io.Digital.Input,
      edge: device.io.Digital.Rising | device.io.Digital.Falling,
      onReadable(this: SimDigital) { both.push(this.read()); },
    });
    device.board.pins.drive(device.pin.alert, 1);
    device.board.pins.drive(device.pin.alert, 0);
    expect(both).toEqual([1, 0]);
    alert.close();
    device.board.pins.drive(device.pin.alert, 1); // closed: no more callbacks
    expect(both).toEqual([1, 0]);
  });

  test('a closed instance throws on every call; close twice is harmless; the pin is free again', () => {
    const device = createSimDevice();
    const d = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output });
    d.close();
    d.close();
    expect(() => d.write(1)).toThrow(/closed/);
    expect(() => d.read()).toThrow(/closed/);
    expect(() => d.format).toThrow(/closed/);
    const again = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output });
    again.write(1);
    expect(again.read()).toBe(1);
  });

  test('bad options are clear errors', () => {
    const device = createSimDevice();
    const { Digital } = device.io;
    expect(() => new Digital({ mode: Digital.Output } as never)).toThrow(/pin required/);
    expect(() => new Digital({ pin: 3, mode: 77 })).toThrow(/invalid mode/);
    expect(() => new Digital({ pin: 3, mode: Digital.Output, edge: Digital.Rising, onReadable() {} })).toThrow(/needs an input mode/);
    expect(() => new Digital({ pin: 3, mode: Digital.Input, onReadable() {} })).toThrow(/requires edge/);
    expect(() => new Digital({ pin: 3, mode: Digital.Input, edge: 4, onReadable() {} })).toThrow(/invalid edge/);
    new Digital({ pin: 3, mode: Digital.Output, edge: Digital.Rising }).close(); // edge without onReadable is ignored
    expect(() => new Digital({ pin: 3, mode: Digital.Input, format: 'buffer' as never })).toThrow(/format/);
    const input = new Digital({ pin: 3, mode: Digital.Input });
    expect(() => input.write(1)).toThrow(/input/);
    expect(() => new Digital({ pin: 3, mode: Digital.Output })).toThrow(/in use/);
    expect(() => new SimDigital({ pin: 4, mode: SimDigital.Output })).toThrow(/device\.io\.Digital/);
  });

  test('mode and edge constants have Moddable\'s values', () => {
    const { Digital } = createSimDevice().io;
    expect([Digital.Input, Digital.InputPullUp, Digital.InputPullDown, Digital.InputPullUpDown, Digital.Output, Digital.OutputOpenDrain])
      .toEqual([0, 1, 2, 3, 8, 9]);
    expect([Digital.Rising, Digital.Falling]).toEqual([1, 2]);
  });

  test('PWM records the duty cycle; Analog reads the level the board gives the pin', () => {
    const device = createSimDevice();
    const pwm = new device.io.PWM({ pin: 12, resolution: 8 });
    pwm.write(255);
    pwm.write(64);
    expect(device.board.led(12).values).toEqual([64 / 255]);
    expect(() => pwm.write(256)).toThrow(RangeError);
    device.board.setAnalog(device.pin.analog, (ms) => (ms < 1000 ? 0.25 : 1));
    const adc = new device.io.Analog({ pin: device.pin.analog, resolution: 10 });
    expect(adc.read()).toBe(Math.round(0.25 * 1023));
    device.board.clock.advance(1000);
    expect(adc.read()).toBe(1023);
    adc.close();
    expect(() => adc.read()).toThrow(/closed/);
  });

  // What every class on one pin shares (sim/io/pin-io.ts): the board's class, the pin held until close, closed throws, format.
  const onePin = [
    { name: 'Digital', make: (io: ReturnType<typeof createSimDevice>['io'], pin: number, more = {}) => new io.Digital({ pin, mode: io.Digital.Output, ...more }), bare: () => new SimDigital({ pin: 4, mode: SimDigital.Output }), use: (x: any) => x.write(1) },
    { name: 'PWM', make: (io: ReturnType<typeof createSimDevice>['io'], pin: number, more = {}) => new io.PWM({ pin, ...more }), bare: () => new SimPWM({ pin: 4 }), use: (x: any) => x.write(1) },
    { name: 'Analog', make: (io: ReturnType<typeof createSimDevice>['io'], pin: number, more = {}) => new io.Analog({ pin, ...more }), bare: () => new SimAnalog({ pin: 4 }), use: (x: any) => x.read() },
  ];
  test.each(onePin)('$name: holds its pin until close, against every class; closed, every call throws; format is number', ({ name, make, bare, use }) => {
    const device = createSimDevice();
    const x = make(device.io, 7, { target: 'mine' });
    expect(x.target).toBe('mine');
    expect(x.format).toBe('number');
    x.format = 'number';
    expect(() => { x.format = 'buffer' as never; }).toThrow(new RangeError(`${name}: unsupported format 'buffer' (only 'number')`));
    expect(() => make(device.io, 7)).toThrow(/pin 7 is already in use/);
    expect(() => new device.io.Digital({ pin: 7, mode: device.io.Digital.Input })).toThrow(/in use/);
    expect(() => new device.io.PWM({ pin: 7 })).toThrow(/in use/);
    x.close();
    x.close();
    expect(() => use(x)).toThrow(`${name} is closed`);
    expect(() => x.format).toThrow(`${name} is closed`);
    expect(() => { x.format = 'number'; }).toThrow(`${name} is closed`);
    make(device.io, 7).close(); // the pin is free again
    expect(() => make(device.io, -1)).toThrow(new RangeError(`${name}: invalid pin -1`));
    expect(() => make(device.io, 8, { format: 'buffer' })).toThrow(/unsupported format/);
    expect(() => bare()).toThrow(`${name}: use the class bound to a board (device.io.${name})`);
  });

  test('a constructor that refuses its options takes no pin', () => {
    const device = createSimDevice();
    expect(() => new device.io.PWM({ pin: 9, resolution: 17 })).toThrow(/invalid resolution/);
    expect(() => new device.io.Analog({ pin: 9, resolution: 0 })).toThrow(/invalid resolution/);
    expect(() => new device.io.Digital({ pin: 9, mode: 77 })).toThrow(/invalid mode/);
    expect(device.board.pins.isFree(9)).toBe(true);
  });
});
