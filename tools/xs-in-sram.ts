/**
 * On an RP2040 the XS interpreter's main loop runs from SRAM, not flash.
 *
 * xsRun.c (fxRunID, the bytecode loop, 30 KB) runs on every JavaScript step
 * of a wake, and from flash it runs through the 16 kB XIP cache, which a wake
 * outgrows: the emulator, with the cache modelled (sim/emulator/xip-cache.ts),
 * found 44-47 % of a wake's misses in it, each a 56-cycle stall. Moddable's
 * linker script for the chip (build/devices/pico/config/xsproj_rp2040.ld)
 * already puts into SRAM whatever its .text and .rodata exclude (its .data
 * takes the rest of `.text*` and `.rodata*`, and the SDK's start-up copies it
 * there); `npm run firmware` writes a copy of it with xsRun.c.o added to those
 * exclusions and hands it to make as LINKER_SCRIPT (make.pico.mk sets it with
 * `?=`). The cost is xsRun.c.o's size in SRAM; flash stays the same (the code
 * is still loaded from it). `mcconfig` run by hand links as Moddable does.
 *
 * Only the RP2040 (the chip the emulator runs and measured); an RP2350 board
 * (`PICO_SUBCLASS` rp2350 in its target manifest) links as Moddable does, and
 * so, unless its app says otherwise, does a board with the radio (below).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { picoChip, picoHasRadio } from './firmware-env';

/** The object whose code and read-only data go to SRAM (make.pico.mk's name for it). */
export const XS_RUN_OBJECT = '*xsRun.c.o';

/**
 * Moddable's linker script with xsRun.c.o excluded from flash's .text and
 * .rodata, so its .data (SRAM, loaded from flash) takes it. Throws when the
 * script does not have the one exclusion list of each it is written for.
 */
export function withXsRunInSram(script: string): string {
  let out = script;
  for (const input of ['.text*', '.rodata*']) {
    const pattern = new RegExp(`\\*\\(EXCLUDE_FILE\\(([^)]*)\\) ${input.replace(/[.*]/g, (c) => `\\${c}`)}\\)`, 'g');
    const found = [...out.matchAll(pattern)];
    if (found.length !== 1) throw new Error(`xs-in-sram: expected one *(EXCLUDE_FILE(...) ${input}) in the linker script, found ${found.length}`);
    out = out.replace(pattern, (_m, files: string) => `*(EXCLUDE_FILE(${files} ${XS_RUN_OBJECT}) ${input})`);
  }
  return out;
}

/**
 * The build variable an app's manifest sets to choose for itself: "1", the loop in SRAM on any RP2040
 * board, the radio's too; "0", in flash.
 */
export const XS_IN_SRAM_VARIABLE = 'THINGFLOW_XS_IN_SRAM';

/**
 * Whether the loop goes to SRAM for `target`: on an RP2040 board without the CYW43 radio, unless the app's
 * `choice` (its manifest's XS_IN_SRAM_VARIABLE) says otherwise. A Pico W's radio stack (lwIP, the driver,
 * sockets, mDNS) lives in the C heap those 35 KB would take: the host check app (WoT, MQTT, mDNS) panicked
 * "Out of memory" at its first HTTP connection in half the runs with it, none in eight without
 * (docs/moddable.md); an app that uses less of the radio (the lux demo: 90 KB of C heap left) asks for it.
 * Throws for a choice that is neither.
 */
export function xsInSram(moddable: string, target: string, choice: string | undefined): boolean {
  if (choice !== undefined && choice !== '0' && choice !== '1') {
    throw new Error(`${XS_IN_SRAM_VARIABLE} is "${choice}" in the app's manifest: "1" (the XS interpreter's loop in SRAM) or "0" (in flash)`);
  }
  if (target.split('/')[0] !== 'pico' || picoChip(moddable, target) !== 'rp2040') return false;
  return choice === undefined ? !picoHasRadio(moddable, target) : choice === '1';
}

/** Write the RP2040 linker script with the interpreter's loop in SRAM into `dir`, for a build `xsInSram` said yes to; its path (make's LINKER_SCRIPT). */
export function writeXsRunInSramScript(moddable: string, dir: string): string {
  const source = join(moddable, 'build/devices/pico/config/xsproj_rp2040.ld');
  const path = join(dir, 'xsproj_rp2040-xs-in-sram.ld');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, withXsRunInSram(readFileSync(source, 'utf8')));
  return path;
}
