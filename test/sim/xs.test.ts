/**
 * The simulator is portable: sim/ (all but the CLI) with the runtime, bundled
 * as one plain script, runs in a real XS machine and prints what Node prints.
 */
import { join } from 'node:path';
import * as runtime from '../../runtime/index';
import * as sim from '../../sim/index';
import { runOnXsBundled } from '../xs/xs-scenarios';
import { scenarios, type SimRuntime } from './xs/sim-scenarios';

const names = Object.keys(scenarios);
let xs: Record<string, string[]>;

beforeAll(() => {
  xs = runOnXsBundled(join(__dirname, 'xs/board-bundle.ts'), join(__dirname, 'xs/sim-scenarios.ts'), names);
}, 120_000);

function onNode(name: string): string[] {
  const lines: string[] = [];
  try {
    scenarios[name]({ ...runtime, ...sim } as SimRuntime, (l) => lines.push(String(l)));
  } catch (e: any) {
    lines.push(`THREW ${e && e.name}: ${e && e.message}`);
  }
  return lines;
}

describe('the simulated board in a bare XS engine', () => {
  test.each(names)('%s: XS prints exactly what Node prints', (name) => {
    const node = onNode(name);
    expect(node.some((l) => l.startsWith('THREW'))).toBe(false);
    expect(xs[name]).toEqual(node);
  });

  test('the day on XS: the LED follows night and day, the NACK at 12:00 ends only the temperature stream', () => {
    // Temperature every 5 min from 00:00 to 11:55 (144 samples); the 12:00 read NACKs and ends that stream.
    const lines = xs['the lux flow on the simulated board for a day'];
    expect(lines[0]).toBe('wakes 1440 lux events 1440 skipped 1');
    expect(lines[1]).toMatch(/^temperature events 144 mean \d+\.\d\d stream closed true$/);
    expect(lines[2]).toMatch(/^LED changes 0min=0 1min=1 3\d\dmin=0 1\d\d\dmin=1$/);
  });

  test('ECMA-419 errors on XS', () => {
    expect(xs['ECMA-419 IO errors and NACKs']).toEqual([
      'probe 0x77 -> 1',
      'I2cError nack: I2C read failed: no device acknowledged address 0x77 (NACK)',
      'ADXL345 DEVID 0xe5',
      'after close: SMBus is closed',
      'second instance: I2C: duplicate address 0x77 (another instance is open)',
      'button edge, reads 0',
    ]);
  });
});
