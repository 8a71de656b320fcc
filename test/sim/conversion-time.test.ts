/**
 * A sensor model's reading is its latest conversion (sim/models/conversion-time.ts),
 * not the world at the millisecond of the read: a read a few ms after a
 * conversion, as firmware's reads come after its own code, returns the same
 * bytes as one at the conversion; the next conversion brings the new value.
 * The world here changes every millisecond, so any read-time dependence shows.
 */
import { BH1750 } from '../../runtime/sensors/bh1750';
import { MCP9808 } from '../../runtime/sensors/mcp9808';
import { TSL2591 } from '../../runtime/sensors/tsl2591';
import { createSimDevice } from '../../sim/device';
import { Bh1750Model } from '../../sim/models/bh1750';
import { Mcp9808Model } from '../../sim/models/mcp9808';
import { Tsl2591Model } from '../../sim/models/tsl2591';

type Reader = () => number;

/** A board whose light and temperature change every ms, with one model on it (no noise) and its driver's reading. */
function board(attach: (d: ReturnType<typeof createSimDevice>) => Reader): { advance(ms: number): void; read: Reader } {
  const device = createSimDevice();
  device.board.env.lux = (ms: number) => 150 + (ms % 1000) / 10;
  device.board.env.temperature = (ms: number) => 20 + (ms % 1000) / 100;
  const read = attach(device);
  return { advance: (ms) => device.board.clock.advance(ms), read };
}

const sensors: [string, number, (d: ReturnType<typeof createSimDevice>) => Reader][] = [
  ['TSL2591 (100 ms integration)', 100, (d) => {
    const m = new Tsl2591Model(d.board.env);
    m.noise = 0;
    d.board.attach(m);
    const s = new TSL2591({ sensor: { ...d.I2C.default, io: d.io.SMBus } });
    return () => s.sample()!.illuminance;
  }],
  ['BH1750 (120 ms measurement)', 120, (d) => {
    const m = new Bh1750Model(d.board.env);
    m.noise = 0;
    d.board.attach(m);
    const s = new BH1750({ sensor: { ...d.I2C.default, io: d.io.I2C } });
    return () => s.sample()!.illuminance;
  }],
  ['MCP9808 (250 ms conversion at 0.0625 °C)', 250, (d) => {
    const m = new Mcp9808Model(d.board.env);
    m.noise = 0;
    d.board.attach(m);
    const s = new MCP9808({ sensor: { ...d.I2C.default, io: d.io.SMBus } });
    return () => s.sample().temperature;
  }],
];

describe('a model reads its latest conversion, not the world at the instant of the read', () => {
  test.each(sensors)('%s: 9 ms late reads the same conversion; one period later the next', (_name, periodMs, attach) => {
    const onTime = board(attach);
    const late = board(attach);
    onTime.advance(60_000);
    late.advance(60_009);
    const first = onTime.read();
    expect(late.read()).toBe(first);
    onTime.advance(periodMs);
    late.advance(periodMs);
    const next = onTime.read();
    expect(next).not.toBe(first);
    expect(late.read()).toBe(next);
  });
});
