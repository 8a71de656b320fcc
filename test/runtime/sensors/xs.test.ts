/**
 * The sensor drivers on the engine of the board: each scenario of
 * xs-scenarios.ts runs on Node and in a real XS machine (dist/thingflow.xs.js)
 * and must print the same lines; the lines are also checked against the
 * datasheet arithmetic here.
 */
import { join } from 'node:path';
import { runOnNode, runOnXs, type ScenarioOutput } from '../../xs/xs-scenarios';
import { scenarios } from './xs-scenarios';

const FILE = join(__dirname, 'xs-scenarios.ts');
const names = Object.keys(scenarios);
let xs: ScenarioOutput;

beforeAll(() => {
  xs = runOnXs(FILE, names);
}, 60_000);

describe('sensor drivers: XS prints exactly what Node prints', () => {
  test.each(names)('%s', (name) => {
    const node = runOnNode(scenarios, name);
    expect(node.length).toBeGreaterThan(3);
    expect(node.some((l) => l.startsWith('THREW'))).toBe(false);
    expect(xs[name]).toEqual(node);
  });
});

describe('what the drivers compute, on XS', () => {
  test('TMP102 decodes 12-bit and 13-bit two\'s complement and writes the datasheet\'s reset values', () => {
    const lines = xs['TMP102: reset writes, 12- and 13-bit readings, alert, shutdown one-shot, close'];
    expect(lines.slice(0, 4)).toEqual(['open 0x48 at 400000 Hz', 'write16 0x48 reg 0x1 = 0x60a0 BE', 'write16 0x48 reg 0x3 = 0x5000 BE', 'write16 0x48 reg 0x2 = 0x4b00 BE']);
    expect(lines).toContain('sample {"temperature":25.0625,"alert":false}');
    expect(lines).toContain('sample {"temperature":-25,"alert":false}');
    expect(lines).toContain('sample {"temperature":150,"alert":true}');
    expect(lines).toContain('after close: TMP102 is closed');
  });

  test('MCP9808 reads sign and flags; TSL2591 applies the lux equation; ADXL345 scales to m/s²', () => {
    const mcp = xs['MCP9808: ID check, signed ambient register and flags'];
    expect(mcp).toContain('sample {"temperature":25.25,"critical":true,"upper":true,"lower":false}');
    expect(mcp).toContain('sample {"temperature":-8,"critical":false,"upper":false,"lower":false}');
    expect(mcp.find((l) => l.startsWith('wrong part'))).toMatch(/not an MCP9808/);
    const tsl = xs['TSL2591: lux from the two channels, not-ready and saturation, auto-gain'];
    // (10000 - 3000) * (1 - 0.3) / (100 ms * 24.5 / 408) = 816 lux
    expect(tsl).toContain('sample {"illuminance":816,"infrared":3000,"fullSpectrum":10000}');
    expect(tsl).toContain('saturated undefined gain now low');
    expect(tsl.find((l) => l.startsWith('errors'))).toBe('errors ["saturated at gain medium","no valid reading yet (integration not complete)"]');
    const adxl = xs['ADXL345: DEVID check, full resolution, m/s²'];
    expect(adxl).toContain('sample {"x":0,"y":-4.9033,"z":9.8067}');
  });

  test('BH1750 sends the datasheet instructions and scales counts by mode and MTreg', () => {
    const lines = xs['BH1750: instructions over plain I2C, counts to lux in each mode'];
    expect(lines.slice(0, 4)).toEqual(['open 0x23 at 400000 Hz', 'instruction 0x1', 'instruction 0x7', 'instruction 0x10']);
    expect(lines).toContain('high {"illuminance":16666.6667}'); // 20000 / 1.2
    expect(lines).toContain('instruction 0x44'); // MTreg 138 = 0b100_01010: high bits 100
    expect(lines).toContain('instruction 0x6a'); // low bits 01010
    expect(lines).toContain('high2 at MTreg 138 {"illuminance":4166.6667}'); // 20000 / 1.2 * 69/138 / 2
    expect(lines).toContain('low saturated {"illuminance":54612.5}');
    expect(lines).toContain('instruction 0x0'); // power down on close
  });

  test('a NACK is skipped in skip mode and ends only the strict stream', () => {
    const lines = xs['ecma419Source on the virtual clock: events, skipped NACKs, then an error that ends only its stream'];
    expect(lines).toContain('read error NACK 0x48');
    expect(lines).toContain('b error NACK 0x48');
    expect(lines.filter((l) => l.startsWith('a skip'))).toHaveLength(3);
    expect(lines[lines.length - 1]).toBe('pending 1 skipped 1 wakes 3');
  });
});
