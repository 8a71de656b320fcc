/**
 * The Pico W's CYW43439 radio as its driver sees it, for firmware in rp2040js:
 * enough of the chip for the pico-sdk's cyw43-driver to bring it up and for
 * an app to drive the LED on the radio's GPIO 0 (Moddable's pin 32).
 *
 * The driver talks to the chip over gSPI, a half-duplex SPI that the pico-sdk
 * runs on a PIO state machine (cyw43_bus_pio_spi.c): CS on GPIO25, clock on
 * GPIO29, one data line on GPIO24 (also the chip's host-wake interrupt, while
 * CS is high), power on GPIO23. This model watches those pins as rp2040js
 * drives them, bit by bit, so the real PIO program, DMA and driver run
 * unchanged: on each rising clock edge it takes the bit the host drives, or,
 * once the host has turned the data line around to read, drives the next bit
 * of its answer (the default `spi_gap01_sample0` program samples on the
 * falling edge after).
 *
 * What is modelled: the bus registers (the test pattern, 16- then 32-bit
 * words, interrupt and status bits), the backplane behind its address window
 * (memory that keeps what is written, clocks that are always ready, cores
 * that leave reset when told), and the WLAN function's SDPCM frames: every
 * ioctl is answered at once with status 0, `GET`s with zeros but for the
 * MAC address and, once joined, the SSID and BSSID, and `gpioout` sets the
 * radio's GPIOs. Wi-Fi, when a network
 * is given (`onEthernet`): a join to any SSID succeeds at once (the events
 * the driver waits for: auth, link up, SSID set, keys done) and Ethernet
 * frames pass between the driver and that network; without one, a join is
 * never answered and data frames are counted and dropped. The access point can
 * go off the air and come back (`setAccessPoint`): the link drops, and joins
 * meanwhile find no network. Scans find nothing.
 * Each transaction is decoded the way the driver encodes it (bytes in memory
 * order, each MSB first, after the DMA's byte swap), not as a wire analyser
 * of the real chip would read it.
 */
import { GPIOPinState, type RP2040 } from 'rp2040js';

/** The Pico W's radio GPIOs (the pico-sdk's boards/pico_w.h). */
export const PICO_W_RADIO_PINS = { regOn: 23, data: 24, cs: 25, clock: 29 } as const;
/** Moddable's pin number of the radio's GPIO 0 (the LED): digital pins from 32 are the CYW43's. */
export const CYW43_GPIO_BASE_PIN = 32;

const BUS = 0, BACKPLANE = 1, WLAN = 2;
/** gSPI bus registers (cyw43_spi.h). */
const SPI_BUS_CONTROL = 0x00, SPI_INTERRUPT = 0x04, SPI_STATUS = 0x08, SPI_READ_TEST = 0x14;
const WORD_LENGTH_32 = 0x01;
const TEST_PATTERN = 0xfeedbead;
const F2_PACKET_AVAILABLE = 0x0020;
const STATUS_F2_RX_READY = 0x20, STATUS_F2_PKT_AVAILABLE = 0x100, STATUS_F2_PKT_LEN_SHIFT = 9;
/** A backplane read answers after this many bytes (the driver sets SPI_RESP_DELAY_F1 to it). */
const BACKPLANE_READ_PAD = 16;
/** Backplane function registers (cyw43_ll.c). */
const WINDOW_LOW = 0x1000a, WINDOW_MID = 0x1000b, WINDOW_HIGH = 0x1000c, CHIP_CLOCK_CSR = 0x1000e, SLEEP_CSR = 0x1001f;
const ALP_AVAIL = 0x40, HT_AVAIL = 0x80, KEEP_SDIO_ON = 0x01, DEVICE_ON = 0x02;
/** The WLAN ARM's and SOCSRAM's reset control (core base + wrapper 0x100000 + AI_RESETCTRL 0x800): in reset at power-on, as the driver expects. */
const CORE_RESET_REGISTERS = [0x18103800, 0x18104800];
/** SDPCM (cyw43_ll.c). */
const SDPCM_HEADER_LEN = 12, IOCTL_HEADER_LEN = 16;
const CONTROL_CHANNEL = 0, EVENT_CHANNEL = 1, DATA_CHANNEL = 2;
const BDC_HEADER_LEN = 4;
const SDPCM_SET = 2, WLC_GET_BSSID = 23, WLC_GET_SSID = 25, WLC_SET_SSID = 26, WLC_GET_VAR = 262, WLC_SET_VAR = 263;
/** Async events (cyw43_ll.h) and the statuses the driver's join waits for (cyw43_ctrl.c). */
const EV_SET_SSID = 0, EV_AUTH = 3, EV_LINK = 16, EV_PSK_SUP = 46;
const WLC_SUP_KEYED = 6;
/** WLC_E_STATUS_NO_NETWORKS: a join found no network of that name (the driver's join state turns NONET). */
const WLC_E_STATUS_NO_NETWORKS = 3;
/** WLC_E_LINK_BCN_LOSS: the link went down because the access point's beacons stopped. */
const LINK_DOWN_BEACON_LOSS = 1;
/** A Raspberry Pi OUI, with the rest made up: what `cur_etheraddr` reads. */
const MAC = [0x28, 0xcd, 0xc1, 0x00, 0x00, 0x01];
/** The access point's address, made up (locally administered): what `WLC_GET_BSSID` reads once joined. */
const AP_BSSID = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];

export interface Cyw43Ioctl {
  /** Emulated ms when it arrived. */
  t: number;
  cmd: number;
  set: boolean;
  /** The iovar's name, for WLC_GET_VAR and WLC_SET_VAR. */
  name?: string;
}

export interface Cyw43RadioOptions {
  /** The radio drove its GPIO `n` (0: the Pico W's LED) to `level`. */
  onGpio: (n: number, level: 0 | 1) => void;
  /** Emulated ms now, for the ioctl log. */
  now: () => number;
  /**
   * The Wi-Fi network: every Ethernet frame the driver sends once joined
   * (`deliver` carries frames the other way). Without it no join succeeds.
   */
  onEthernet?: (frame: Uint8Array) => void;
}

/** One gSPI command word: write or read, function, address, length in bytes. */
interface Command {
  write: boolean;
  fn: number;
  address: number;
  length: number;
}

export class Cyw43Radio {
  /** The ioctls the driver sent, in order. */
  readonly ioctls: Cyw43Ioctl[] = [];
  /** Emulated ms when the driver first found the WLAN function ready (the firmware "booted"), if it did. */
  upAtMs: number | undefined;
  /** Ethernet frames the driver sent. */
  dataFrames = 0;
  /** The SSID the driver joined, once it has (only with a network). */
  joinedSsid: string | undefined;
  /** Whether the access point is on the air (`setAccessPoint`): while it is not, joins find no network. */
  accessPoint = true;
  /** Joins the driver asked for, and those that found no network. */
  joins = 0;
  failedJoins = 0;
  /** Bytes the driver downloaded into the chip's RAM (its firmware and NVRAM). */
  downloadedBytes = 0;
  /** The radio's GPIO levels (bit n: GPIO n). */
  gpioOut = 0;
  /** The radio's GPIOs written since power-on: the first write is reported even at the level they had, as a pin turning output is. */
  private gpioWritten = 0;

  private words32 = false;
  private readonly busRegisters = new Uint8Array(0x20);
  private interruptStatus = 0;
  private readonly localRegisters = new Map<number, number>();
  private window = 0;
  private readonly backplane = new Map<number, number>();
  /** Frames the chip holds for the host, oldest first. */
  private readonly toHost: Uint8Array[] = [];
  private txSequence = 0;
  /** The sequence number of the host's latest frame: each frame to the host gives it credit past it. */
  private hostSequence = 0;
  /** The credit of the chip's latest frame: the host may send until its sequence number reaches it. */
  private creditGiven = 0;
  /** Header-only frames the chip sent to give the host credit (`creditFrame`). */
  creditFrames = 0;
  /**
   * When the driver put the chip's bus to sleep or woke it (its "keep SDIO on" bit in SLEEP_CSR, the driver's
   * KSO), each change in order: the driver lets the bus sleep once it has been idle a while (cyw43_ll_bus_sleep).
   * A sleep the driver chose has `idleMs`, the time since the bus was last used for anything but its sleep register
   * (a reset's has none).
   */
  readonly busSleeps: { t: number; asleep: boolean; idleMs?: number }[] = [];
  /** Emulated ms when the bus last carried a transaction not on SLEEP_CSR. */
  private lastUseMs = 0;

  // The transaction under way (CS low).
  private selected = false;
  private readonly received: number[] = [];
  private bits = 0;
  private byte = 0;
  private command: Command | undefined;
  private answer: Uint8Array | undefined;
  private answerBit = 0;
  /** The frame a WLAN read is giving the host: gone from the queue once the read ends. */
  private frameRead: Uint8Array | undefined;

  constructor(private readonly mcu: RP2040, private readonly opts: Cyw43RadioOptions) {
    const { regOn, data, cs, clock } = PICO_W_RADIO_PINS;
    this.powerOn();
    mcu.gpio[regOn].addListener((state) => {
      if (state === GPIOPinState.Low) this.powerOn(); // off, then on: the chip starts from reset
    });
    mcu.gpio[cs].addListener((state) => {
      if (state === GPIOPinState.Low) this.select();
      else if (state === GPIOPinState.High) this.deselect();
    });
    const dataPin = mcu.gpio[data];
    mcu.gpio[clock].addListener((state) => {
      if (state !== GPIOPinState.High || !this.selected) return;
      if (dataPin.outputEnable) this.takeBit(dataPin.outputValue ? 1 : 0);
      else dataPin.setInputValue(this.nextAnswerBit() === 1);
    });
  }

  private powerOn(): void {
    this.words32 = false;
    this.busRegisters.fill(0);
    this.interruptStatus = 0;
    this.localRegisters.clear();
    this.window = 0;
    this.backplane.clear();
    for (const address of CORE_RESET_REGISTERS) this.backplane.set(address, 1);
    this.toHost.length = 0;
    this.txSequence = 0;
    this.hostSequence = 0;
    this.joinedSsid = undefined;
    this.creditGiven = 0;
    this.gpioOut = 0;
    this.gpioWritten = 0;
    this.noteBusSleep(true, false); // from reset the bus is asleep until the driver wakes it
  }

  private select(): void {
    this.selected = true;
    this.received.length = 0;
    this.bits = 0;
    this.byte = 0;
    this.command = undefined;
    this.answer = undefined;
    this.answerBit = 0;
    this.frameRead = undefined;
  }

  private deselect(): void {
    if (!this.selected) return;
    this.selected = false;
    const command = this.command;
    if (command !== undefined && !(command.fn === BACKPLANE && command.address === SLEEP_CSR)) this.lastUseMs = this.opts.now();
    if (command?.write) this.write(command, Uint8Array.from(this.received.slice(4)));
    // The host has read the frame (not one the network delivered during the read).
    else if (this.frameRead !== undefined) this.toHost.splice(this.toHost.indexOf(this.frameRead), 1);
    this.hostWake();
  }

  /** Between transactions the data line is the chip's interrupt: high while it holds a frame for the host. */
  private hostWake(): void {
    this.mcu.gpio[PICO_W_RADIO_PINS.data].setInputValue(this.toHost.length > 0);
  }

  private takeBit(bit: number): void {
    this.byte = (this.byte << 1) | bit;
    if (++this.bits % 8 !== 0) return;
    this.received.push(this.byte);
    this.byte = 0;
    if (this.received.length !== 4) return;
    const word = this.fromWire(this.received, 0);
    const command: Command = { write: (word >>> 31) === 1, fn: (word >>> 28) & 3, address: (word >>> 11) & 0x1ffff, length: word & 0x7ff };
    this.command = command;
    if (!command.write) {
      const data = this.read(command);
      const pad = command.fn === BACKPLANE ? BACKPLANE_READ_PAD : 0;
      this.answer = new Uint8Array(pad + data.length);
      this.answer.set(data, pad);
    }
  }

  private nextAnswerBit(): number {
    const answer = this.answer;
    const i = this.answerBit++;
    if (answer === undefined || i >= answer.length * 8) return 0;
    return (answer[i >> 3] >> (7 - (i & 7))) & 1;
  }

  /** A 32-bit word as the driver put it in memory: before SPI_BUS_CONTROL sets 32-bit words, its halves swapped (`SWAP32`). */
  private fromWire(bytes: ArrayLike<number>, at: number): number {
    const word = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
    return this.words32 ? word : swapHalves(word);
  }

  private toWire(value: number, length: number): Uint8Array {
    const word = this.words32 ? value >>> 0 : swapHalves(value >>> 0);
    const out = new Uint8Array(Math.max(length, 4));
    for (let i = 0; i < 4; i++) out[i] = (word >>> (8 * i)) & 0xff;
    return out.subarray(0, Math.max(length, 1));
  }

  private read(c: Command): Uint8Array {
    if (c.fn === BUS) return this.toWire(this.readBus(c.address, c.length), c.length);
    if (c.fn === BACKPLANE) {
      const out = new Uint8Array(c.length === 0 ? 4 : c.length);
      for (let i = 0; i < out.length; i++) out[i] = this.readBackplaneByte(c.address + i);
      return out;
    }
    const frame = this.toHost[0];
    this.frameRead = frame;
    const out = new Uint8Array(c.length);
    if (frame) out.set(frame.subarray(0, c.length));
    return out;
  }

  private readBus(address: number, length: number): number {
    if (address === SPI_READ_TEST) return TEST_PATTERN;
    if (address === SPI_INTERRUPT) return this.interruptStatus | (this.toHost.length > 0 ? F2_PACKET_AVAILABLE : 0);
    if (address === SPI_STATUS) {
      const frame = this.toHost[0];
      return STATUS_F2_RX_READY | (frame ? STATUS_F2_PKT_AVAILABLE | (frame.length << STATUS_F2_PKT_LEN_SHIFT) : 0);
    }
    let value = 0;
    for (let i = 0; i < Math.min(length, 4); i++) value |= (this.busRegisters[(address + i) & 0x1f] ?? 0) << (8 * i);
    return value >>> 0;
  }

  private write(c: Command, data: Uint8Array): void {
    if (c.fn === BUS) {
      const value = data.length >= 4 ? this.fromWire(data, 0) : data[0] | ((data[1] ?? 0) << 8);
      if (c.address === SPI_INTERRUPT) {
        this.interruptStatus &= ~value; // write 1 to clear
        return;
      }
      for (let i = 0; i < c.length; i++) this.busRegisters[(c.address + i) & 0x1f] = (value >>> (8 * i)) & 0xff;
      if (c.address === SPI_BUS_CONTROL) this.words32 = (value & WORD_LENGTH_32) !== 0;
      return;
    }
    if (c.fn === BACKPLANE) {
      for (let i = 0; i < c.length; i++) this.writeBackplaneByte(c.address + i, data[i] ?? 0);
      return;
    }
    this.fromHost(data);
  }

  private readBackplaneByte(address: number): number {
    if (address >= 0x10000) {
      const stored = this.localRegisters.get(address) ?? 0;
      if (address === CHIP_CLOCK_CSR) return stored | ALP_AVAIL | HT_AVAIL; // clocks always ready
      if (address === SLEEP_CSR) return stored | ((stored & KEEP_SDIO_ON) !== 0 ? DEVICE_ON : 0);
      return stored;
    }
    return this.backplane.get(this.window + (address & 0x7fff)) ?? 0;
  }

  private writeBackplaneByte(address: number, value: number): void {
    if (address >= 0x10000) {
      if (address === SLEEP_CSR) this.noteBusSleep((value & KEEP_SDIO_ON) === 0);
      this.localRegisters.set(address, value);
      if (address === WINDOW_LOW) this.window = (this.window & 0xffff00ff) | (value << 8);
      else if (address === WINDOW_MID) this.window = (this.window & 0xff00ffff) | (value << 16);
      else if (address === WINDOW_HIGH) this.window = ((this.window & 0x00ffffff) | (value << 24)) >>> 0;
      this.window >>>= 0;
      return;
    }
    const at = this.window + (address & 0x7fff);
    if (at < 0x80000) this.downloadedBytes++; // RAM: the firmware and NVRAM, not read back
    else this.backplane.set(at, value);
  }

  private noteBusSleep(asleep: boolean, byDriver = true): void {
    const last = this.busSleeps[this.busSleeps.length - 1];
    if (last === undefined ? asleep : last.asleep === asleep) return;
    const t = this.opts.now();
    this.busSleeps.push(asleep && byDriver ? { t, asleep, idleMs: t - this.lastUseMs } : { t, asleep });
  }

  /** An SDPCM frame from the host: an ioctl gets its answer at once; an Ethernet frame has no network to go to. */
  private fromHost(frame: Uint8Array): void {
    if (frame.length < SDPCM_HEADER_LEN) return;
    const size = frame[0] | (frame[1] << 8);
    const sequence = frame[4];
    this.hostSequence = sequence;
    const channel = frame[5] & 0x0f;
    const headerLength = frame[7];
    if (channel === DATA_CHANNEL) {
      this.dataFrames++;
      // The BDC header after the SDPCM one, then the frame from its data offset (in words).
      const at = headerLength + BDC_HEADER_LEN + (frame[headerLength + 3] ?? 0) * 4;
      if (this.joinedSsid !== undefined && at < size) this.opts.onEthernet?.(frame.slice(at, size));
      this.creditFrame();
      return;
    }
    if (channel !== CONTROL_CHANNEL || size < headerLength + IOCTL_HEADER_LEN) return;
    if (this.upAtMs === undefined) this.upAtMs = this.opts.now();
    const at = headerLength;
    const cmd = le32(frame, at);
    const flags = le32(frame, at + 8);
    const payload = frame.subarray(at + IOCTL_HEADER_LEN, size);
    const set = (flags & SDPCM_SET) !== 0;
    const name = cmd === WLC_GET_VAR || cmd === WLC_SET_VAR ? cString(payload) : undefined;
    this.ioctls.push({ t: this.opts.now(), cmd, set, name });
    const answer = new Uint8Array(payload.length);
    if (set) {
      answer.set(payload);
      if (name === 'gpioout') this.setGpio(le32(payload, 8), le32(payload, 12));
    } else if (name === 'cur_etheraddr') {
      answer.set(MAC);
    } else if (cmd === WLC_GET_SSID && this.joinedSsid !== undefined) {
      answer.set(ssidRecord(this.joinedSsid).subarray(0, answer.length));
    } else if (cmd === WLC_GET_BSSID && this.joinedSsid !== undefined) {
      answer.set(AP_BSSID.slice(0, answer.length));
    }
    this.toHost.push(this.controlFrame(sequence, frame.subarray(at, at + IOCTL_HEADER_LEN), answer));
    if (set && cmd === WLC_SET_SSID && this.opts.onEthernet) this.join(payload);
    this.hostWake();
  }

  /**
   * The host is about to run out of credit (it may send up to the sequence
   * number of the chip's last frame's credit, then stalls, polling for more):
   * a frame with no body gives it more, as the chip's flow control packets
   * do. A host that sends Ethernet frames faster than frames come back (a
   * board answering a client here with several segments, ACKs of a large
   * upload) otherwise stalls for the driver's second and drops the frame:
   * `[CYW43] STALL(0;77-77): timeout`, `send_ethernet failed: -2`.
   */
  private creditFrame(): void {
    const left = (this.creditGiven - ((this.hostSequence + 1) & 0xff)) & 0xff;
    if (left > 2) return;
    this.creditFrames++;
    this.toHost.push(this.frame(CONTROL_CHANNEL, 0));
    if (!this.selected) this.hostWake();
  }

  /** A join (wlc_ssid_t: length, then the name) to a network that is there: the events the driver's join state waits for. */
  private join(ssid: Uint8Array): void {
    this.joins++;
    if (!this.accessPoint) {
      // The chip scans for the SSID, finds none and says so: the driver's join ends (CYW43_LINK_NONET).
      this.failedJoins++;
      this.toHost.push(this.eventFrame(EV_SET_SSID, WLC_E_STATUS_NO_NETWORKS, 0));
      return;
    }
    const length = Math.min(le32(ssid, 0), 32);
    this.joinedSsid = String.fromCharCode(...ssid.subarray(4, 4 + length));
    this.toHost.push(this.eventFrame(EV_AUTH, 0, 0), this.eventFrame(EV_LINK, 0, 1), this.eventFrame(EV_SET_SSID, 0, 0), this.eventFrame(EV_PSK_SUP, WLC_SUP_KEYED, 0));
  }

  /**
   * The access point goes off the air (`false`: a router rebooting, out of range) or comes back.
   * Going, it drops a joined link as the chip does when the beacons stop (a link-down event: the
   * driver takes the netif's link down); the chip does not join again by itself, and a join while
   * the access point is away finds no network. Frames either way are dropped until a join succeeds.
   */
  setAccessPoint(on: boolean): void {
    if (this.accessPoint === on) return;
    this.accessPoint = on;
    if (on || this.joinedSsid === undefined) return;
    this.joinedSsid = undefined;
    this.toHost.push(this.eventFrame(EV_LINK, 0, 0, LINK_DOWN_BEACON_LOSS));
    if (!this.selected) this.hostWake();
  }

  /** An Ethernet frame from the network to the driver. Dropped while the driver has not joined. */
  deliver(ethernet: Uint8Array): void {
    if (this.joinedSsid === undefined) return;
    this.toHost.push(this.bdcFrame(DATA_CHANNEL, ethernet));
    if (!this.selected) this.hostWake();
  }

  /**
   * A frame on the event or data channel: the SDPCM header padded to 14
   * bytes, the BDC header, and 4 bytes of BDC data offset before `body`, as
   * the chip sends them. The driver reads an event's fields in place, 46
   * bytes into its buffer (cyw43_ll_parse_async_event): at another offset its
   * word reads are unaligned, a hard fault on the Cortex-M0+.
   */
  private bdcFrame(channel: number, body: Uint8Array): Uint8Array {
    const frame = this.frame(channel, 2 + BDC_HEADER_LEN + 4 + body.length, SDPCM_HEADER_LEN + 2);
    const bdc = SDPCM_HEADER_LEN + 2;
    frame[bdc] = 0x20; // BDC version 2
    frame[bdc + 3] = 1; // data offset, in words
    frame.set(body, bdc + BDC_HEADER_LEN + 4);
    return frame;
  }

  /**
   * An async event on the STA interface: a BDC header, an Ethernet header of
   * type 0x886c with Broadcom's OUI, then wl_event_msg_t, big-endian (the
   * layout cyw43_ll_parse_async_event reads).
   */
  private eventFrame(type: number, status: number, flags: number, reason = 0): Uint8Array {
    const message = new Uint8Array(24 + 48);
    message.set(MAC, 0);
    message.set(MAC, 6);
    message[12] = 0x88;
    message[13] = 0x6c;
    message.set([0x00, 0x10, 0x18], 19);
    const view = new DataView(message.buffer, 24);
    view.setUint16(0, 2); // version
    view.setUint16(2, flags);
    view.setUint32(4, type);
    view.setUint32(8, status);
    view.setUint32(12, reason);
    view.setUint8(46, 0); // the STA interface
    return this.bdcFrame(EVENT_CHANNEL, message);
  }

  /** An SDPCM frame to the host on `channel`, `bodyLength` bytes after the 12-byte header, the header filled in (its length field `headerLength`). */
  private frame(channel: number, bodyLength: number, headerLength = SDPCM_HEADER_LEN): Uint8Array {
    const size = SDPCM_HEADER_LEN + bodyLength;
    const frame = new Uint8Array(size);
    frame[0] = size & 0xff;
    frame[1] = size >> 8;
    frame[2] = ~size & 0xff;
    frame[3] = (~size >> 8) & 0xff;
    frame[4] = this.txSequence++ & 0xff;
    frame[5] = channel;
    frame[7] = headerLength;
    frame[9] = this.creditGiven = (this.hostSequence + 8) & 0xff;
    return frame;
  }

  private controlFrame(hostSequence: number, ioctlHeader: Uint8Array, payload: Uint8Array): Uint8Array {
    // Credit to send well past the host's next sequence number: it never has to wait for the chip.
    this.hostSequence = hostSequence;
    const frame = this.frame(CONTROL_CHANNEL, IOCTL_HEADER_LEN + payload.length);
    frame.set(ioctlHeader, SDPCM_HEADER_LEN);
    frame.fill(0, SDPCM_HEADER_LEN + 12, SDPCM_HEADER_LEN + 16); // status 0: done
    frame.set(payload, SDPCM_HEADER_LEN + IOCTL_HEADER_LEN);
    return frame;
  }

  private setGpio(mask: number, value: number): void {
    for (let n = 0; n < 32; n++) {
      const bit = 1 << n;
      if ((mask & bit) === 0) continue;
      const level = (value & bit) !== 0 ? 1 : 0;
      const was = (this.gpioOut & bit) !== 0 ? 1 : 0;
      const first = (this.gpioWritten & bit) === 0;
      this.gpioOut = level ? this.gpioOut | bit : this.gpioOut & ~bit;
      this.gpioWritten |= bit;
      if (level !== was || first) this.opts.onGpio(n, level);
    }
  }
}

function swapHalves(word: number): number {
  return (((word & 0x00ff00ff) << 8) | ((word >>> 8) & 0x00ff00ff)) >>> 0;
}

function le32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0;
}

function cString(bytes: Uint8Array): string {
  let end = 0;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return String.fromCharCode(...bytes.subarray(0, end));
}

/** wlc_ssid_t as the chip answers `WLC_GET_SSID`: the length (little-endian word), then the name in 32 bytes. */
function ssidRecord(ssid: string): Uint8Array {
  const record = new Uint8Array(36);
  const length = Math.min(ssid.length, 32);
  record[0] = length;
  for (let i = 0; i < length; i++) record[4 + i] = ssid.charCodeAt(i);
  return record;
}
