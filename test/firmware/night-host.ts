/**
 * The lux demo's firmware as bench:firmware, bench:firmware-profile and the
 * firmware tests boot it: on a simulated board at midnight (seed 7, the
 * standard parts: TSL2591 and TMP102 on I2C0), the TMP102's alert wired to
 * GPIO6, and every timer wake marked, so the same wakes and sample windows
 * are measured everywhere; and at dawn, for bench:firmware's steady-state event.
 */
import { connect, type Socket } from 'node:net';
import { BOARD_PINS, createSimDevice } from '../../sim/index';
import { DAWN_START_HOUR } from './board-scenarios';
import { heapIrqCheck, type HeapIrqCheck } from './heap-irq-check';
import { lwipLockCheck, type LwipLockCheck } from './lwip-lock-check';
import { Rp2040Host, timerEntryMarks, type CycleProfiler, type EntryHook, type Rp2040HostOptions } from '../../sim/emulator/rp2040-host';

export interface FirmwareFiles {
  uf2: string;
  elf: string;
  bootrom: string;
}

type MoreOptions = Pick<Rp2040HostOptions, 'radio' | 'network' | 'log' | 'entryHooks' | 'entryMarks' | 'timerStartUs'>;

/** A host for `files` on the night board, with `profiler` attributing its cycles when given; a Pico W's image with `radio` (and its Wi-Fi network, `network`). */
export function nightHost(files: FirmwareFiles, profiler?: CycleProfiler, more: MoreOptions = {}): Rp2040Host {
  return boardHost(files, 0, profiler, more);
}

/**
 * The same board started at DAWN_START_HOUR: dark at first, so the lux demo's LED comes on at
 * the 60 s sample as on the night board, and goes off about 44 min in, when the dawn lifts the
 * running average over LUX_BRIGHT: a sample-to-LED event with the average's window long full and
 * the code's flash cache warm from the wakes before, as on a board that has run for a while.
 */
export function dawnHost(files: FirmwareFiles, profiler?: CycleProfiler): Rp2040Host {
  return boardHost(files, DAWN_START_HOUR, profiler);
}

/** How long the dawn board runs: its LED goes off about 44 min in. */
export const DAWN_RUN_MS = 50 * 60_000;
/** A sample-to-LED event in steady state comes this late or later: the running average's window (5 samples a minute apart) long full. */
export const STEADY_FROM_MS = 10 * 60_000;

function boardHost(files: FirmwareFiles, startHour: number, profiler?: CycleProfiler, more: MoreOptions = {}): Rp2040Host {
  const device = createSimDevice({ seed: 7, parts: 'standard', env: { startHour } });
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
 * every entry of the functions at `entryMarks` is recorded in `host.entries`; `profiler` counts its cycles.
 */
export function wifiHost(files: FirmwareFiles, brokerPort: number, relayed: Socket[], network: Omit<NonNullable<Rp2040HostOptions['network']>, 'connect'> & { refuse?: () => boolean } = {}, entryMarks: number[] = [], entryHooks: readonly EntryHook[] = [], profiler?: CycleProfiler, more: Pick<MoreOptions, 'timerStartUs'> = {}): { host: Rp2040Host; lock: LwipLockCheck; heap: HeapIrqCheck } {
  const lock = lwipLockCheck(files.elf);
  const heap = heapIrqCheck(files.elf);
  const { refuse, ...rest } = network;
  const host = nightHost(files, profiler, {
    ...more,
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
