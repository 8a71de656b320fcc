/**
 * Checks, in the emulated Pico W, that lwIP is only ever entered with the
 * CYW43 arch's lock held: the pico-sdk runs the radio's receive path (lwIP
 * input) as background work of its async context, from an interrupt, so any
 * lwIP call made without the lock can be interrupted by lwIP itself
 * (hosts/moddable/pico/lwip-lock.c, which wraps Moddable's calls to take it).
 *
 * As the core is about to enter a function of lwIP's stateful API (its pcbs,
 * pools, interfaces, timers), or one of Moddable's that changes what its lwIP
 * callbacks change (`SHARED_WITH_LWIP_CALLBACKS`), the check reads the lock (the recursive mutex in
 * the pico-sdk's `async_context_threadsafe_background_t`) from SRAM; entered
 * while nobody holds it is a violation, recorded with its caller (from LR).
 * A call lwIP makes inside an unlocked call is the outer call's violation,
 * not counted again, nor is lwIP's start-up (`START_UP`). Before the
 * context exists (the mutex not yet made) there is nothing to hold and
 * nothing is checked.
 */
import { elfSymbol, elfSymbolEntry } from '../../sim/emulator/elf-symbols';
import type { EntryHook, Rp2040Host } from '../../sim/emulator/rp2040-host';
import { elfFunctions, functionAt } from './pc-profiler';

/** lwIP's functions that touch shared state, by name (lwIP 2.2's modules as the pico-sdk builds them). */
export const LWIP_STATEFUL = /^(tcp|udp|raw|pbuf|mem|memp|netif|dhcp|dns|igmp|etharp|ip4|sys_timeout|sys_untimeout|sys_check_timeouts)(_|$)/;
/**
 * Moddable's functions that change what its lwIP callbacks change from the interrupt, with no
 * guard of their own: the ECMA-419 TCP socket's read unlinks the received segments its receive
 * callback appends to. They too must run with the lock held.
 */
export const SHARED_WITH_LWIP_CALLBACKS = new Set(['xs_tcp_read']);
/**
 * `async_context_threadsafe_background_t` (pico-sdk 2.2.0, single-core): the
 * `async_context_t` (32 bytes), the alarm pool, the last alarm time, then
 * `lock_mutex`, a `recursive_mutex_t`: its spin lock pointer, owner (int8),
 * enter count (uint8). The struct is 72 bytes; the check refuses another size.
 */
const CONTEXT_SIZE = 72;
/**
 * lwIP's own start-up: the pico-sdk's `lwip_nosys_init` runs `lwip_init` once, without the lock,
 * before any interface or timer exists (nothing in the background can enter lwIP yet).
 */
const START_UP = new Set(['lwip_init', 'sys_timeouts_init']);
const MUTEX_OFFSET = 48;
const SRAM_BASE = 0x20000000;

export interface LockViolation {
  /** `function <- caller`. */
  call: string;
  count: number;
  firstAtMs: number;
}

export interface LwipLockCheck {
  /** For `Rp2040Host`'s options; `attach` the host once it is made. */
  entryHook: EntryHook;
  attach(host: Rp2040Host): void;
  /** lwIP functions entered so far with the lock held, and without it (by call). */
  readonly checked: { locked: number };
  readonly violations: Map<string, LockViolation>;
  /** How many lwIP functions are watched. */
  readonly watched: number;
}

export function lwipLockCheck(elf: string): LwipLockCheck {
  const functions = elfFunctions(elf);
  const symbol = elfSymbolEntry(elf, 'cyw43_async_context_threadsafe_background');
  if (symbol === undefined) throw new Error(`${elf}: no cyw43_async_context_threadsafe_background (not a Pico W image with lwIP?)`);
  if (symbol.size !== CONTEXT_SIZE) throw new Error(`the async context is ${symbol.size} bytes, not the ${CONTEXT_SIZE} this check reads (another pico-sdk?)`);
  const context = symbol.address;
  const lwip = functions.filter((f) => LWIP_STATEFUL.test(f.name) || SHARED_WITH_LWIP_CALLBACKS.has(f.name));
  const byStart = new Map(lwip.map((f) => [f.start, f.name]));
  const mutex = context + MUTEX_OFFSET - SRAM_BASE;
  let host: Rp2040Host | undefined;
  const checked = { locked: 0 };
  const violations = new Map<string, LockViolation>();
  const entryHook = {
    at: new Set(byStart.keys()),
    call: (pc: number) => {
      const { rp2040 } = host!.simulator;
      const sram = rp2040.sram;
      const made = (sram[mutex] | (sram[mutex + 1] << 8) | (sram[mutex + 2] << 16) | (sram[mutex + 3] << 24)) !== 0;
      if (!made) return;
      if (sram[mutex + 5] > 0) {
        checked.locked++;
        return;
      }
      const caller = functionAt(functions, rp2040.core.LR & ~1);
      if (caller !== undefined && (LWIP_STATEFUL.test(caller) || START_UP.has(caller))) return; // inside an unlocked lwIP call (that one is the violation), or lwIP's start-up
      const call = `${byStart.get(pc)} <- ${caller ?? `0x${(rp2040.core.LR >>> 0).toString(16)}`}`;
      const seen = violations.get(call);
      if (seen) seen.count++;
      else violations.set(call, { call, count: 1, firstAtMs: host!.emulatedMs });
    },
  };
  return { entryHook, attach: (h) => { host = h; }, checked, violations, watched: lwip.length };
}

/**
 * lwIP's TCP pcb lists (lwIP 2.2, IPv4 only, GCC's short enums on arm-none-eabi): a pcb's `next`
 * follows its 12 bytes of IP_PCB, then `callback_arg`, the state (one byte), `prio`, `local_port`;
 * a `tcp_pcb`'s `remote_port` comes next (a listening pcb has none).
 */
const TCP_PCB_LISTS = ['tcp_active_pcbs', 'tcp_tw_pcbs', 'tcp_bound_pcbs', 'tcp_listen_pcbs'];
const TCP_PCB_NEXT = 12;
const TCP_PCB_STATE = 20;
const TCP_PCB_LOCAL_PORT = 22;
const TCP_PCB_REMOTE_PORT = 24;
/** lwIP's `enum tcp_state`, by value. */
export const TCP_STATES = ['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RCVD', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT'] as const;

/** One pcb on a list: its address, state and ports. */
export interface TcpPcb {
  address: number;
  state: (typeof TCP_STATES)[number] | `state ${number}`;
  localPort: number;
  /** 0 for a listening pcb. */
  remotePort: number;
}

/**
 * lwIP's TCP pcb lists as they are in the emulated SRAM, each pcb in order, and any list
 * that runs back into itself (a pcb freed twice and handed out twice ends up linked to itself:
 * tcp_input then loops for ever).
 */
export function tcpPcbLists(host: Rp2040Host, elf: string): { [list: string]: { pcbs: TcpPcb[]; loopsAt?: number } } {
  const mcu = host.simulator.rp2040;
  const lists: { [list: string]: { pcbs: TcpPcb[]; loopsAt?: number } } = {};
  for (const name of TCP_PCB_LISTS) {
    const head = elfSymbol(elf, name);
    if (head === undefined) throw new Error(`${elf}: no ${name}`);
    const pcbs: TcpPcb[] = [];
    let pcb = mcu.readUint32(head) >>> 0;
    while (pcb !== 0 && !pcbs.some((p) => p.address === pcb) && pcbs.length < 256) {
      const state = mcu.readUint8(pcb + TCP_PCB_STATE);
      pcbs.push({
        address: pcb,
        state: TCP_STATES[state] ?? `state ${state}`,
        localPort: mcu.readUint16(pcb + TCP_PCB_LOCAL_PORT),
        remotePort: name === 'tcp_listen_pcbs' ? 0 : mcu.readUint16(pcb + TCP_PCB_REMOTE_PORT),
      });
      pcb = mcu.readUint32(pcb + TCP_PCB_NEXT) >>> 0;
    }
    lists[name] = pcb === 0 ? { pcbs } : { pcbs, loopsAt: pcb };
  }
  return lists;
}

/**
 * A pcb's `unsent` and `unacked` segment lists (lwIP 2.2 as the pico-sdk builds it for a Pico W: their offsets
 * from `offsetof` compiled with the image's own flags), and a `tcp_seg`'s `next` and `len` (its bytes of data).
 */
const TCP_PCB_UNSENT = 0x6c;
const TCP_PCB_UNACKED = 0x70;
const TCP_SEG_NEXT = 0;
const TCP_SEG_LEN = 8;

/** The data lwIP holds for a TCP pcb: each segment's length, not yet sent and sent but not acknowledged. */
export function tcpPcbQueued(host: Rp2040Host, pcb: number): { unsent: number[]; unacked: number[] } {
  const mcu = host.simulator.rp2040;
  const segments = (head: number) => {
    const lengths: number[] = [];
    for (let seg = mcu.readUint32(head) >>> 0; seg !== 0 && lengths.length < 64; seg = mcu.readUint32(seg + TCP_SEG_NEXT) >>> 0) {
      if (seg < SRAM_BASE || seg >= SRAM_BASE + 0x42000) throw new Error(`pcb 0x${pcb.toString(16)}: a segment at 0x${seg.toString(16)}, not in SRAM (the offsets are not this lwIP's?)`);
      lengths.push(mcu.readUint16(seg + TCP_SEG_LEN) & 0xffff);
    }
    return lengths;
  };
  return { unsent: segments(pcb + TCP_PCB_UNSENT), unacked: segments(pcb + TCP_PCB_UNACKED) };
}

/**
 * lwIP's heap (mem.c, MEM_SIZE bytes from `ram`) as it is in the emulated SRAM, block by block:
 * `F912` a free block of 912 bytes; `U1532 pbuf 74` a used one holding a pbuf whose first part has
 * 74 bytes (the heap's TCP segments, ACKs and datagrams are pbufs). A block is `struct mem`
 * (next and prev as 16-bit offsets, then `used`), 8 bytes with MEM_ALIGNMENT 4, then its data.
 */
export function lwipHeapBlocks(host: Rp2040Host, elf: string): string[] {
  const mcu = host.simulator.rp2040;
  const ramSymbol = elfSymbol(elf, 'ram');
  if (ramSymbol === undefined) throw new Error(`${elf}: no ram (lwIP's heap)`);
  const ram = mcu.readUint32(ramSymbol) >>> 0;
  const u16 = (at: number) => mcu.readUint16(at) & 0xffff;
  const blocks: string[] = [];
  for (let at = 0; blocks.length < 64;) {
    const next = u16(ram + at);
    if (next <= at || next > 0xffff) break; // the end marker (it points to itself)
    const size = next - at - 8;
    blocks.push(mcu.readUint8(ram + at + 4) !== 0 ? `U${size} pbuf ${u16(ram + at + 8 + 10)}` : `F${size}`);
    at = next;
  }
  return blocks;
}
