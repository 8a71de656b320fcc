/**
 * The Pico W's radio model (sim/emulator/cyw43.ts) at its pins, in rp2040js,
 * without firmware: the test is the host, driving CS, clock and data through
 * the RP2040's SIO as the pico-sdk's PIO program does (a bit on each rising
 * clock edge, MSB first, each byte in memory order) and encoding each
 * transaction as cyw43-driver does (cyw43_bus_pio_spi.c, cyw43_ll.c). The
 * firmware test (test/firmware/pico-w.firmware.test.ts) runs the real driver.
 */
import { Simulator } from 'rp2040js';
import { Cyw43Radio, PICO_W_RADIO_PINS } from '../../sim/emulator/cyw43';

const { regOn: REG_ON, data: DATA, cs: CS, clock: CLOCK } = PICO_W_RADIO_PINS;
const SIO = 0xd0000000, OUT_SET = SIO + 0x14, OUT_CLR = SIO + 0x18, OE_SET = SIO + 0x24, OE_CLR = SIO + 0x28;
const IO_BANK0 = 0x40014000, FUNC_SIO = 5;
const BUS = 0, BACKPLANE = 1, WLAN = 2;

function setup(network?: (frame: Uint8Array) => void) {
  const mcu = new Simulator().rp2040;
  for (const pin of [REG_ON, DATA, CS, CLOCK]) {
    mcu.writeUint32(IO_BANK0 + pin * 8 + 4, FUNC_SIO);
    mcu.gpio[pin].padValue |= 0x40; // input enable, as the pico-sdk's gpio_set_function sets it
  }
  const gpio: [number, number][] = [];
  const radio = new Cyw43Radio(mcu, { now: () => 0, onGpio: (n, level) => gpio.push([n, level]), onEthernet: network });
  const out = (pin: number, level: number) => mcu.writeUint32(level ? OUT_SET : OUT_CLR, 1 << pin);
  mcu.writeUint32(OE_SET, (1 << REG_ON) | (1 << CS) | (1 << CLOCK));
  out(CS, 1);
  out(REG_ON, 1);

  /** One transaction: `tx` bytes out, then `rxLength` bytes in; each byte MSB first (`midway` runs between the two). */
  const transfer = (tx: number[], rxLength: number, midway?: () => void): number[] => {
    out(CS, 0);
    mcu.writeUint32(OE_SET, 1 << DATA);
    for (const byte of tx) {
      for (let b = 7; b >= 0; b--) {
        out(DATA, (byte >> b) & 1);
        out(CLOCK, 1);
        out(CLOCK, 0);
      }
    }
    mcu.writeUint32(OE_CLR, 1 << DATA); // turned around: the chip drives the data line
    midway?.();
    const rx: number[] = [];
    for (let i = 0; i < rxLength; i++) {
      let byte = 0;
      for (let b = 0; b < 8; b++) {
        out(CLOCK, 1);
        out(CLOCK, 0);
        byte = (byte << 1) | (mcu.gpio[DATA].inputValue ? 1 : 0);
      }
      rx.push(byte);
    }
    out(CS, 1);
    return rx;
  };
  let words32 = false;
  const swap = (w: number) => (words32 ? w >>> 0 : (((w & 0x00ff00ff) << 8) | ((w >>> 8) & 0x00ff00ff)) >>> 0);
  const bytes = (w: number) => [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24];
  const word = (b: number[], at = 0) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
  const command = (write: boolean, fn: number, address: number, length: number) =>
    ((write ? 1 << 31 : 0) | (1 << 30) | (fn << 28) | ((address & 0x1ffff) << 11) | length) >>> 0;
  const readRegister = (fn: number, address: number, length: number) => {
    const pad = fn === BACKPLANE ? 16 : 0;
    return swap(word(transfer(bytes(swap(command(false, fn, address, length))), 4 + pad), pad));
  };
  const writeRegister = (fn: number, address: number, length: number, value: number) => {
    transfer([...bytes(swap(command(true, fn, address, length))), ...bytes(swap(value))], 0);
    if (fn === BUS && address === 0) words32 = (value & 1) !== 0;
  };
  return { mcu, radio, gpio, out, transfer, readRegister, writeRegister, bytes, word, command, setWords32: (on: boolean) => (words32 = on) };
}

/** An SDPCM control frame holding one ioctl, as cyw43_send_ioctl builds it. */
function ioctlFrame(sequence: number, id: number, cmd: number, set: boolean, payload: number[]): number[] {
  const size = 12 + 16 + payload.length;
  const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
  return [
    size & 0xff, size >> 8, ~size & 0xff, (~size >> 8) & 0xff, sequence, 0, 0, 12, 0, 0, 0, 0,
    ...le32(cmd), ...le32(payload.length), ...le32((id << 16) | (set ? 2 : 0)), ...le32(0),
    ...payload,
  ];
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The host's frames over the WLAN function once the bus is in 32-bit words: `send` a frame (padded to words), `receive` the chip's next (none: []). */
function wlanFrames(h: ReturnType<typeof setup>) {
  h.writeRegister(BUS, 0x00, 4, 0x000400b3);
  const pad4 = (f: number[]) => [...f, ...new Array((4 - (f.length % 4)) % 4).fill(0)];
  return {
    send: (f: number[]) => h.transfer([...h.bytes(h.command(true, WLAN, 0, f.length)), ...pad4(f)], 0),
    receive: (midway?: () => void) => {
      const length = (h.readRegister(BUS, 0x08, 4) >>> 9) & 0x7ff;
      return length === 0 ? [] : h.transfer(h.bytes(h.command(false, WLAN, 0, length)), length, midway);
    },
  };
}

/** WLC_SET_SSID: join `ssid`. */
const joinFrame = (sequence: number, id: number, ssid: string) => ioctlFrame(sequence, id, 26, true, [ssid.length, 0, 0, 0, ...ascii(ssid), ...new Array(32 - ssid.length).fill(0)]);

describe('the Pico W\'s CYW43 radio at its pins', () => {
  test('powers up in 16-bit words (the test pattern reads swapped), answers in 32-bit words once SPI_BUS_CONTROL says so, and starts again when WL_ON goes low', () => {
    const h = setup();
    expect(h.readRegister(BUS, 0x14, 4).toString(16)).toBe('feedbead');
    // Read as if the words were already 32-bit, the pattern comes back with its halves swapped: the chip is in 16-bit mode.
    h.setWords32(true);
    expect(h.readRegister(BUS, 0x14, 4).toString(16)).not.toBe('feedbead');
    h.setWords32(false);
    h.writeRegister(BUS, 0x00, 4, 0x000400b3); // WORD_LENGTH_32 | ENDIAN_BIG | HIGH_SPEED | WAKE_UP, as cyw43_ll_bus_init
    expect(h.readRegister(BUS, 0x14, 4).toString(16)).toBe('feedbead');
    expect(h.readRegister(BUS, 0x00, 4)).toBe(0x000400b3);
    h.out(REG_ON, 0);
    h.out(REG_ON, 1);
    h.setWords32(false);
    expect(h.readRegister(BUS, 0x14, 4).toString(16)).toBe('feedbead');
  });

  test('the backplane: clocks always ready, both cores in reset until the driver takes them out, registers behind the address window keep what is written', () => {
    const h = setup();
    h.writeRegister(BUS, 0x00, 4, 0x000400b3);
    expect(h.readRegister(BACKPLANE, 0x1000e, 1) & 0xc0).toBe(0xc0); // ALP and HT available
    // Both cores' AI_RESETCTRL (0x18103800 for the WLAN ARM, 0x18104800 for SOCSRAM) are behind the window at
    // 0x18100000 (cyw43_set_backplane_window), read with the 32-bit access flag.
    const resetControl = (core: 'wlan' | 'socsram') => {
      h.writeRegister(BACKPLANE, 0x1000c, 1, 0x18);
      h.writeRegister(BACKPLANE, 0x1000b, 1, 0x10);
      h.writeRegister(BACKPLANE, 0x1000a, 1, 0x00);
      return ((core === 'wlan' ? 0x18103800 : 0x18104800) & 0x7fff) | 0x8000;
    };
    const wlan = resetControl('wlan');
    expect(h.readRegister(BACKPLANE, wlan, 1)).toBe(1);
    h.writeRegister(BACKPLANE, wlan, 1, 0);
    expect(h.readRegister(BACKPLANE, wlan, 1)).toBe(0);
    expect(h.readRegister(BACKPLANE, resetControl('socsram'), 1)).toBe(1);
    // Firmware written into RAM (window 0) is counted, not kept.
    h.writeRegister(BACKPLANE, 0x1000c, 1, 0);
    h.writeRegister(BACKPLANE, 0x1000b, 1, 0);
    h.transfer([...h.bytes(h.command(true, BACKPLANE, 0x8000, 8)), 1, 2, 3, 4, 5, 6, 7, 8], 0);
    expect(h.radio.downloadedBytes).toBe(8);
  });

  test('an ioctl over the WLAN function is answered at once: the host-wake line goes high, the status register gives the frame\'s length, the answer carries the ioctl\'s id and status 0; `gpioout` drives the radio\'s GPIO 0, the LED', () => {
    const h = setup();
    h.writeRegister(BUS, 0x00, 4, 0x000400b3);
    expect(h.readRegister(BUS, 0x08, 4) & 0x20).toBe(0x20); // F2 ready to receive
    expect(h.mcu.gpio[DATA].inputValue).toBe(false);
    // The LED's first write, off, is reported though the level was already 0 (the pin becomes driven), then on.
    const first = ioctlFrame(0, 6, 263, true, [...ascii('gpioout'), 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    h.transfer([...h.bytes(h.command(true, WLAN, 0, first.length)), ...first, ...new Array((4 - (first.length % 4)) % 4).fill(0)], 0);
    h.transfer(h.bytes(h.command(false, WLAN, 0, (h.readRegister(BUS, 0x08, 4) >>> 9) & 0x7ff)), 40);
    expect(h.gpio).toEqual([[0, 0]]);
    const payload = [...ascii('gpioout'), 0, 1, 0, 0, 0, 1, 0, 0, 0];
    const frame = ioctlFrame(1, 7, 263, true, payload);
    h.transfer([...h.bytes(h.command(true, WLAN, 0, frame.length)), ...frame, ...new Array((4 - (frame.length % 4)) % 4).fill(0)], 0);
    expect(h.gpio).toEqual([[0, 0], [0, 1]]);
    expect(h.radio.ioctls.map((i) => [i.cmd, i.set, i.name])).toEqual([[263, true, 'gpioout'], [263, true, 'gpioout']]);
    expect(h.mcu.gpio[DATA].inputValue).toBe(true); // the chip has a frame for the host
    expect(h.readRegister(BUS, 0x04, 2) & 0x20).toBe(0x20); // F2_PACKET_AVAILABLE
    const status = h.readRegister(BUS, 0x08, 4);
    expect(status & 0x100).toBe(0x100);
    const length = (status >>> 9) & 0x7ff;
    expect(length).toBe(12 + 16 + payload.length);
    const answer = h.transfer(h.bytes(h.command(false, WLAN, 0, length)), length);
    expect(answer[0] | (answer[1] << 8)).toBe(length);
    expect((answer[0] | (answer[1] << 8)) ^ (answer[2] | (answer[3] << 8))).toBe(0xffff);
    expect(answer[5] & 0x0f).toBe(0); // the control channel
    expect((h.word(answer, 12 + 8) >>> 16) & 0xffff).toBe(7); // the ioctl's id
    expect(h.word(answer, 12 + 12)).toBe(0); // status: done
    expect(((answer[9] - 1) & 0xff) <= 20 && answer[9] !== 1).toBe(true); // credit past the host's next sequence number
    expect(h.mcu.gpio[DATA].inputValue).toBe(false); // read: nothing more for the host
    // The LED off again, and the MAC address read back.
    const off = ioctlFrame(2, 8, 263, true, [...ascii('gpioout'), 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    h.transfer([...h.bytes(h.command(true, WLAN, 0, off.length)), ...off, ...new Array((4 - (off.length % 4)) % 4).fill(0)], 0);
    h.transfer(h.bytes(h.command(false, WLAN, 0, (h.readRegister(BUS, 0x08, 4) >>> 9) & 0x7ff)), 40);
    expect(h.gpio).toEqual([[0, 0], [0, 1], [0, 0]]);
    const mac = ioctlFrame(3, 9, 262, false, [...ascii('cur_etheraddr'), 0, 0, 0, 0, 0, 0, 0]);
    h.transfer([...h.bytes(h.command(true, WLAN, 0, mac.length)), ...mac, ...new Array((4 - (mac.length % 4)) % 4).fill(0)], 0);
    const macLength = (h.readRegister(BUS, 0x08, 4) >>> 9) & 0x7ff;
    const macAnswer = h.transfer(h.bytes(h.command(false, WLAN, 0, macLength)), macLength);
    expect(macAnswer.slice(28, 34).map((b) => b.toString(16).padStart(2, '0')).join(':')).toBe('28:cd:c1:00:00:01');
  });

  test('with a network: a join to any SSID is answered with the four events the driver\'s join waits for, padded as the chip pads them; Ethernet frames pass both ways; a frame the network delivers during a read is not lost', () => {
    const sent: Uint8Array[] = [];
    const h = setup((f) => sent.push(f));
    const { send, receive } = wlanFrames(h);
    send(joinFrame(0, 1, 'home'));
    expect(h.radio.joinedSsid).toBe('home');
    expect(receive()[5] & 0x0f).toBe(0); // the ioctl's answer first
    const events = [receive(), receive(), receive(), receive()];
    expect(events.map((e) => [e[5] & 0x0f, e[7], e[14 + 3]])).toEqual(new Array(4).fill([1, 14, 1])); // event channel, header 14, BDC offset 1
    // The message 46 bytes in (where the driver reads it in place): after Ethernet type 0x886c and Broadcom's OUI.
    expect(events.map((e) => [e[22 + 12], e[22 + 13], e[22 + 19], e[22 + 20], e[22 + 21]])).toEqual(new Array(4).fill([0x88, 0x6c, 0x00, 0x10, 0x18]));
    // wl_event_msg_t at 46, big-endian: version, flags, event type, status.
    const be = (at: number, e: number[]) => h.word([e[at + 3], e[at + 2], e[at + 1], e[at]]);
    const event = (e: number[]) => ({ type: be(50, e), status: be(54, e), flags: (e[48] << 8) | e[49] });
    expect(events.map(event)).toEqual([{ type: 3, status: 0, flags: 0 }, { type: 16, status: 0, flags: 1 }, { type: 0, status: 0, flags: 0 }, { type: 46, status: 6, flags: 0 }]);
    // A frame from the board: SDPCM header 14, BDC, then Ethernet.
    const ethernet = [...new Array(12).fill(0xab), 0x08, 0x00, 1, 2, 3];
    send([14 + 4 + ethernet.length, 0, ~(14 + 4 + ethernet.length) & 0xff, 0xff, 2, 2, 0, 14, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, ...ethernet]);
    expect(sent.map((f) => [...f])).toEqual([ethernet]);
    // Frames to the board: one the network delivers while the board reads (another, or nothing: zeros) is still there after.
    h.radio.deliver(Uint8Array.from([1, 1, 1]));
    const first = receive(() => h.radio.deliver(Uint8Array.from([2, 2, 2, 2])));
    const second = receive();
    const empty = h.transfer(h.bytes(h.command(false, WLAN, 0, 4)), 4);
    expect([first.slice(22), second.slice(22), empty]).toEqual([[1, 1, 1], [2, 2, 2, 2], [0, 0, 0, 0]]);
    expect(h.transfer(h.bytes(h.command(false, WLAN, 0, 4)), 4, () => h.radio.deliver(Uint8Array.from([3, 3, 3])))).toEqual([0, 0, 0, 0]);
    expect(receive().slice(22)).toEqual([3, 3, 3]);
    expect(h.mcu.gpio[DATA].inputValue).toBe(false);
  });

  test('the access point goes off the air: the joined link drops with a link-down event (beacon loss), a join meanwhile finds no network (SET_SSID status 3, the driver\'s NONET), frames either way are dropped; back on the air, a join succeeds again', () => {
    const sent: Uint8Array[] = [];
    const h = setup((f) => sent.push(f));
    const { send, receive } = wlanFrames(h);
    const be = (at: number, e: number[]) => h.word([e[at + 3], e[at + 2], e[at + 1], e[at]]);
    const event = (e: number[]) => ({ type: be(50, e), status: be(54, e), reason: be(58, e), flags: (e[48] << 8) | e[49] });
    send(joinFrame(0, 1, 'home'));
    for (let i = 0; i < 5; i++) receive(); // the join's answer and its four events
    h.radio.setAccessPoint(false);
    expect(h.radio.joinedSsid).toBeUndefined();
    expect(h.mcu.gpio[DATA].inputValue).toBe(true); // the chip has a frame for the host
    expect(event(receive())).toEqual({ type: 16, status: 0, reason: 1, flags: 0 });
    h.radio.deliver(Uint8Array.from([1, 2, 3]));
    expect(h.transfer(h.bytes(h.command(false, WLAN, 0, 4)), 4)).toEqual([0, 0, 0, 0]); // dropped: nothing for the host
    send(joinFrame(1, 2, 'home'));
    expect(receive()[5] & 0x0f).toBe(0); // the ioctl's answer
    expect(event(receive())).toEqual({ type: 0, status: 3, reason: 0, flags: 0 });
    expect([h.radio.joins, h.radio.failedJoins, h.radio.joinedSsid]).toEqual([2, 1, undefined]);
    h.radio.setAccessPoint(true);
    send(joinFrame(2, 3, 'home'));
    receive();
    expect([receive(), receive(), receive(), receive()].map((e) => event(e).type)).toEqual([3, 16, 0, 46]);
    expect([h.radio.joins, h.radio.failedJoins, h.radio.joinedSsid]).toEqual([3, 1, 'home']);
  });

  test('the SSID and BSSID read back (WLC_GET_SSID, WLC_GET_BSSID) are zeros until a join and the joined network\'s after, as Moddable\'s `WiFi` getters read them', () => {
    const h = setup(() => {});
    const { send, receive } = wlanFrames(h);
    const answerOf = (sequence: number, cmd: number, length: number) => {
      send(ioctlFrame(sequence, 10 + sequence, cmd, false, new Array(length).fill(0)));
      return receive().slice(12 + 16, 12 + 16 + length); // after the SDPCM and ioctl headers
    };
    expect(answerOf(0, 25, 36)).toEqual(new Array(36).fill(0));
    expect(answerOf(1, 23, 6)).toEqual(new Array(6).fill(0));
    const ssid = 'thingflow-emulated';
    send(joinFrame(2, 3, ssid));
    for (let i = 0; i < 5; i++) receive(); // the join's answer and its four events
    const read = answerOf(3, 25, 36);
    expect([h.word(read.slice(0, 4)), String.fromCharCode(...read.slice(4, 4 + ssid.length)), read.slice(4 + ssid.length)]).toEqual([ssid.length, ssid, new Array(32 - ssid.length).fill(0)]);
    expect(answerOf(4, 23, 6)).toEqual([0x02, 0, 0, 0, 0, 0x01]);
  });

  test('flow control: a host that sends Ethernet frames faster than frames come back gets credit in a frame with no body before it runs out, as the chip\'s flow control packets give it', () => {
    const h = setup(() => {});
    const { send, receive } = wlanFrames(h);
    send(joinFrame(0, 1, 'home'));
    let credit = 0;
    for (let i = 0; i < 5; i++) credit = receive()[9]; // the join's answer and its four events: credit past sequence 0
    expect(credit).toBe(8);
    // Data frames 1, 2, ... with nothing coming back: the host may send up to sequence 7.
    const ethernet = [...new Array(12).fill(0xab), 0x08, 0x00, 1, 2, 3];
    const data = (sequence: number) => [14 + 4 + ethernet.length, 0, ~(14 + 4 + ethernet.length) & 0xff, 0xff, sequence, 2, 0, 14, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, ...ethernet];
    const sent: number[] = [];
    for (let sequence = 1; sequence <= 20; sequence++) {
      if (((credit - sequence) & 0xff) === 0) break; // out of credit: the driver would stall here
      send(data(sequence));
      sent.push(sequence);
      const frame = receive();
      if (frame.length > 0) {
        expect([frame[0] | (frame[1] << 8), frame[5] & 0x0f]).toEqual([12, 0]); // the SDPCM header alone, on the control channel
        credit = frame[9];
      }
    }
    expect(sent).toHaveLength(20);
    expect(h.radio.creditFrames).toBeGreaterThanOrEqual(3);
  });

  test('an Ethernet frame on the data channel is counted and dropped: there is no network', () => {
    const h = setup();
    h.writeRegister(BUS, 0x00, 4, 0x000400b3);
    const frame = [20, 0, 0xeb, 0xff, 0, 2, 0, 14, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0];
    h.transfer([...h.bytes(h.command(true, WLAN, 0, frame.length)), ...frame], 0);
    expect(h.radio.dataFrames).toBe(1);
    expect(h.mcu.gpio[DATA].inputValue).toBe(false);
  });
});
