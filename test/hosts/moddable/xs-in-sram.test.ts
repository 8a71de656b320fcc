/**
 * tools/xs-in-sram.ts: the linker script `npm run firmware` gives an RP2040
 * build, Moddable's with xsRun.c.o excluded from flash's .text and .rodata
 * (its .data, in SRAM, takes what they exclude). The firmware tests check the
 * result on real builds (fxRunID at a 0x2000_0000 address); these check the
 * edit and the choice of chip without the SDK.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { picoChip } from '../../../tools/firmware-env';
import { withXsRunInSram, writeXsRunInSramScript, xsInSram, XS_RUN_OBJECT } from '../../../tools/xs-in-sram';

/** The lines of the script the edit works on, as Moddable's xsproj_rp2040.ld has them (abridged). */
const SCRIPT = `SECTIONS {
    .text : {
        *(.init)
        *(EXCLUDE_FILE(*libgcc.a: *libc.a:*lib_a-mem*.o *libm.a:) .text*)
        *(EXCLUDE_FILE(*crtend?.o *crtend.o) .ctors)
    } > FLASH
    .rodata : {
        *(EXCLUDE_FILE(*libgcc.a: *libc.a:*lib_a-mem*.o *libm.a:) .rodata*)
    } > FLASH
    .data : {
        *(.time_critical*)
        *(.text*)
        *(.rodata*)
    } > RAM AT> FLASH
}
`;

describe('xsRun.c.o in SRAM on an RP2040', () => {
  test('the object joins the exclusion lists of flash\'s .text and .rodata, and nothing else changes', () => {
    const out = withXsRunInSram(SCRIPT);
    expect(out).toContain(`*(EXCLUDE_FILE(*libgcc.a: *libc.a:*lib_a-mem*.o *libm.a: ${XS_RUN_OBJECT}) .text*)`);
    expect(out).toContain(`*(EXCLUDE_FILE(*libgcc.a: *libc.a:*lib_a-mem*.o *libm.a: ${XS_RUN_OBJECT}) .rodata*)`);
    expect(out).toContain('*(EXCLUDE_FILE(*crtend?.o *crtend.o) .ctors)');
    expect(out.replaceAll(` ${XS_RUN_OBJECT}`, '')).toBe(SCRIPT);
  });

  test('a script without those lists (another SDK version) is an error that says what was looked for, not a silent flash build', () => {
    expect(() => withXsRunInSram(SCRIPT.replace(/\*\(EXCLUDE_FILE\([^)]*\) \.rodata\*\)/, '*(.rodata*)'))).toThrow('expected one *(EXCLUDE_FILE(...) .rodata*) in the linker script, found 0');
  });

  test('only RP2040 boards without the CYW43 radio get it unless the app asks: a Pico W (its board manifest sets WIFI_GPIO) links as Moddable does, as do rp2350 boards, esp32 and lin', () => {
    const sdk = mkdtempSync(join(tmpdir(), 'xs-in-sram-'));
    try {
      const board = (name: string, build: object) => {
        mkdirSync(join(sdk, 'build/devices/pico/targets', name), { recursive: true });
        writeFileSync(join(sdk, 'build/devices/pico/targets', name, 'manifest.json'), JSON.stringify({ build }));
      };
      board('pico_w', { WIFI_GPIO: '1' });
      board('pico_plain_clone', { PICO_BOARD: 'clone' });
      board('pico_2_w', { PICO_SUBCLASS: 'rp2350', WIFI_GPIO: '1' });
      mkdirSync(join(sdk, 'build/devices/pico/config'), { recursive: true });
      writeFileSync(join(sdk, 'build/devices/pico/config/xsproj_rp2040.ld'), SCRIPT);
      expect([picoChip(sdk, 'pico'), picoChip(sdk, 'pico/pico_w'), picoChip(sdk, 'pico/pico_2_w')]).toEqual(['rp2040', 'rp2040', 'rp2350']);
      expect(xsInSram(sdk, 'pico', undefined)).toBe(true);
      expect(xsInSram(sdk, 'pico/pico_plain_clone', undefined)).toBe(true);
      // The radio's stack needs the C heap those 35 KB would take (the host check ran out of it: docs/moddable.md).
      expect(xsInSram(sdk, 'pico/pico_w', undefined)).toBe(false);
      expect(xsInSram(sdk, 'pico/pico_2_w', undefined)).toBe(false);
      expect(xsInSram(sdk, 'esp32', undefined)).toBe(false);
      expect(xsInSram(sdk, 'lin', undefined)).toBe(false);
      // An app chooses for itself (its manifest's THINGFLOW_XS_IN_SRAM): "1" on a Pico W too (the lux demo, with C heap to
      // spare), "0" in flash on any board; an RP2350 board, esp32 and lin link as Moddable does whatever it says.
      expect(xsInSram(sdk, 'pico/pico_w', '1')).toBe(true);
      expect(xsInSram(sdk, 'pico', '0')).toBe(false);
      expect(xsInSram(sdk, 'pico', '1')).toBe(true);
      expect([xsInSram(sdk, 'pico/pico_2_w', '1'), xsInSram(sdk, 'esp32', '1'), xsInSram(sdk, 'lin', '1')]).toEqual([false, false, false]);
      // A yes writes the SDK's script with the edit, for make's LINKER_SCRIPT.
      const out = join(sdk, 'out');
      expect(writeXsRunInSramScript(sdk, out)).toBe(join(out, 'xsproj_rp2040-xs-in-sram.ld'));
      expect(readFileSync(join(out, 'xsproj_rp2040-xs-in-sram.ld'), 'utf8')).toBe(withXsRunInSram(SCRIPT));
      expect(() => xsInSram(sdk, 'pico/pico_w', 'yes')).toThrow('THINGFLOW_XS_IN_SRAM is "yes" in the app\'s manifest: "1" (the XS interpreter\'s loop in SRAM) or "0" (in flash)');
    } finally {
      rmSync(sdk, { recursive: true, force: true });
    }
  });
});
