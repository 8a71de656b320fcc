/**
 * The lux demo's firmware as bench:firmware, bench:firmware-profile and the
 * firmware tests boot it: on a simulated board at midnight (seed 7, the
 * standard parts: TSL2591 and TMP102 on I2C0), the TMP102's alert wired to
 * GPIO6, and every timer wake marked, so the same wakes and sample windows
 * are measured everywhere.
 */
import { connect, type Socket } from 'node:net';
import { BOARD_PINS, createSimDevice } from '../../sim/index';
import { heapIrqCheck, type HeapIrqCheck } from './heap-irq-check';
import { lwipLockCheck, type LwipLockCheck } from './lwip-lock-check';
import { Rp2040Host, timerEntryMarks, type CycleProfiler, type EntryHook, type Rp2040HostOptions } from '../../sim/emulator/rp2040-host';

export interface FirmwareFiles {
  uf2: string;
  elf: string;
  bootrom: string;
}

/** A host for `files` on the night board, with `profiler` attributing its cycles when given; a Pico W's image with `radio` (and its Wi-Fi network, `network`). */
export function nightHost(files: FirmwareFiles, profiler?: CycleProfiler, more: Pick<Rp2040HostOptions, 'radio' | 'network' | 'log' | 'entryHooks' | 'entryMarks'> = {}): Rp2040Host {
  const device = createSimDevice({ seed: 7, parts: 'standard', env: { startHour: 0 } });
  return new Rp2040Host({
    uf2: files.uf2, bootrom: files.bootrom, board: device.board, inputs: { [BOARD_PINS.alert]: 6 }, profiler,
    ...more, entryMarks: timerEntryMarks(files.elf).concat(more.entryMarks ?? []),
  });
}

/**
 * A Pico W's image on the night board, joined to the emulated Wi-Fi, its connections to the
 * gateway's port 1883 relayed to a broker here on `brokerPort` (each socket pushed to `relayed`;
 * others refused, and all refused while `refuse()` says so), every lwIP call it makes
 * checked for the radio's lock (`lock`), and its C heap for the interrupts that enter it (`heap`);
 * every entry of the functions at `entryMarks` is recorded in `host.entries`.
 */
export function wifiHost(files: FirmwareFiles, brokerPort: number, relayed: Socket[], network: Omit<NonNullable<Rp2040HostOptions['network']>, 'connect'> & { refuse?: () => boolean } = {}, entryMarks: number[] = [], entryHooks: readonly EntryHook[] = []): { host: Rp2040Host; lock: LwipLockCheck; heap: HeapIrqCheck } {
  const lock = lwipLockCheck(files.elf);
  const heap = heapIrqCheck(files.elf);
  const { refuse, ...rest } = network;
  const host = nightHost(files, undefined, {
    radio: 'cyw43',
    entryHooks: [lock.entryHook, heap.entryHook, ...entryHooks],
    entryMarks,
    network: {
      ...rest,
      connect: (port) => {
        if (port !== 1883 || refuse?.()) return undefined; // refused: the board gets a reset
        const socket = connect(brokerPort, '127.0.0.1');
        relayed.push(socket);
        return socket;
      },
    },
  });
  lock.attach(host);
  heap.attach(host);
  return { host, lock, heap };
}
