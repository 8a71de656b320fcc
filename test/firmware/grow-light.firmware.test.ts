/**
 * The grow light (examples/grow-light.ts), built from its source alone, three
 * ways: on Node, in a bare XS machine (xsnap), and as pico firmware booted in
 * rp2040js with the simulated board on its I2C bus at dusk. It is the board
 * app of the two models no other app reads: the BH1750, whose driver talks
 * plain I2C (`device.io.I2C`, ECMA-419's `embedded:io/i2c`: instructions of
 * one byte, two-byte reads without a register), and the MCP9808 (SMBus,
 * big-endian words). The board side prints every I2C transaction and LED
 * change by second of board time; the three must agree line by line, faults
 * from the simulated parts included.
 *
 * Node and XS always run. The firmware runs when THINGFLOW_FIRMWARE_DIR holds
 * app-grow-light.pico.uf2 (`npm run firmware -- pico examples/grow-light.ts`)
 * and RP2040_BOOTROM is set; otherwise one line says what is missing and those tests are skipped.
 */
import { GROW_SCENARIOS } from './board-scenarios';
import { firmwareFor, i2cLines, ledLines, onNode, xsShowsWhatNodeShows } from './three-ways';

const names = Object.keys(GROW_SCENARIOS);
const [DUSK, SILL_NACKS, LIGHT_NACKS] = names;
const BH1750 = 0x23;
const MCP9808 = 0x18;

describe('the grow light on Node and on XS', () => {
  xsShowsWhatNodeShows(names, 150);

  test('on when dusk dims the sill (19:15), off when the sill cools below 19 °C (20:15); skipped reads move each by the reads missed', () => {
    const dusk = onNode(DUSK);
    expect(ledLines(dusk)).toEqual(['0s LED off', '900s LED on', '4530s LED off']);
    // Both parts are read: the BH1750 every 30 s without a register, the MCP9808 every minute.
    expect(i2cLines(dusk).filter((l) => l.includes(' i2c 0x23 read ')).length).toBe(211);
    expect(i2cLines(dusk).filter((l) => l.includes(' i2c 0x18 write [05] ')).length).toBe(106);
    // The BH1750's first read, at once, comes before its first conversion: 0 counts, no reading, the light stays off.
    expect(i2cLines(dusk)).toContain('0s i2c 0x23 read [00 00] ack');
    const sill = onNode(SILL_NACKS);
    expect(i2cLines(sill).filter((l) => l.includes(' 0x18 ') && l.endsWith(' nack')).length).toBe(15);
    expect(ledLines(sill)).toEqual(['0s LED off', '900s LED on', '5130s LED off']);
    const light = onNode(LIGHT_NACKS);
    expect(i2cLines(light).filter((l) => l.includes(' 0x23 ') && l.endsWith(' nack')).length).toBe(20);
    expect(ledLines(light)).toEqual(['0s LED off', '1320s LED on']);
  });
});

const { describe: firmware, boot } = firmwareFor('app-grow-light');

firmware('the grow light as pico firmware in rp2040js, at dusk on the simulated board', () => {
  test('it boots, reads the BH1750 over plain I2C and the MCP9808 over SMBus on the emulated bus, and the LED goes on and off as on Node and XS', async () => {
    const fw = await boot(GROW_SCENARIOS[DUSK]);
    const node = onNode(DUSK);
    expect(fw.console.some((l) => l.startsWith('grow light: light every 30 s'))).toBe(true);
    const addresses = new Set(fw.host.bridges.flatMap((b) => b.transactions).map((t) => t.address));
    expect([...addresses].sort()).toEqual([MCP9808, BH1750]);
    expect(fw.host.bridges.reduce((n, b) => n + b.mismatches, 0)).toBe(0);
    expect(ledLines(fw.lines)).toEqual(['0s LED off', '900s LED on', '4530s LED off']);
    expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
  }, 1_200_000);

  test.each([SILL_NACKS, LIGHT_NACKS])('%s: as on Node', async (name) => {
    const fw = await boot(GROW_SCENARIOS[name]);
    const node = onNode(name);
    expect(i2cLines(fw.lines).filter((l) => l.endsWith(' nack')).length).toBeGreaterThan(0);
    expect(ledLines(fw.lines)).toEqual(ledLines(node));
    expect(i2cLines(fw.lines)).toEqual(i2cLines(node));
  }, 1_200_000);
});
