/**
 * The SNTP exchange's arithmetic a board sets its clock with (hosts/moddable/sntp-answer.ts): the request's
 * bytes, the time an answer gives to the millisecond with the round trip halved, and every answer that is
 * not the time (RFC 4330's checks). The exchange itself runs on the emulated Pico W
 * (test/firmware/fleet-device.firmware.test.ts: readings stamped within a few ms of their reads).
 */
import { SNTP_PACKET_BYTES, sntpAnswerMs, writeSntpRequest } from '../../../hosts/moddable/sntp-answer';

const NTP_UNIX_OFFSET_S = 2_208_988_800;
const NONCE_HIGH = 0xdeadbeef, NONCE_LOW = 7;

function putTimestamp(p: Uint8Array, at: number, unixMs: number): void {
  const view = new DataView(p.buffer);
  const seconds = Math.floor(unixMs / 1000) + NTP_UNIX_OFFSET_S;
  view.setUint32(at, seconds >>> 0); // era 1 from 2036-02-07: the seconds wrap
  view.setUint32(at + 4, Math.round(((unixMs % 1000) / 1000) * 2 ** 32) >>> 0);
}

/** A stratum 1 server's answer to the request with NONCE_*: it took the request at `receivedMs` and sent this at `sentMs`. */
function answer(receivedMs: number, sentMs: number, change: (p: Uint8Array) => void = () => {}): Uint8Array {
  const p = new Uint8Array(SNTP_PACKET_BYTES);
  p[0] = (4 << 3) | 4;
  p[1] = 1;
  p.set([0x47, 0x50, 0x53, 0], 12); // "GPS"
  new DataView(p.buffer).setUint32(24, NONCE_HIGH);
  new DataView(p.buffer).setUint32(28, NONCE_LOW);
  putTimestamp(p, 32, receivedMs);
  putTimestamp(p, 40, sentMs);
  change(p);
  return p;
}

const T = Date.UTC(2026, 11, 7, 12, 0, 0) + 437.25;

describe('an SNTP request', () => {
  test('version 4, client mode, the nonce as its transmit time, the rest zero', () => {
    const p = new Uint8Array(SNTP_PACKET_BYTES);
    writeSntpRequest(p, NONCE_HIGH, NONCE_LOW);
    const expected = new Uint8Array(SNTP_PACKET_BYTES);
    expected[0] = 0x23;
    expected.set([0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 7], 40);
    expect([...p]).toEqual([...expected]);
  });
});

describe('the time an SNTP answer gives', () => {
  test('to the millisecond, the fraction of the second read (Moddable\'s SNTP read whole seconds)', () => {
    expect(sntpAnswerMs(answer(T, T), NONCE_HIGH, NONCE_LOW, 0)).toBeCloseTo(T, 3);
  });

  test('the network\'s part of the round trip halved and counted on the way back, the server\'s own time held out', () => {
    // 40 ms there and back, the server holding it 10 ms: the answer took 15 ms to come.
    expect(sntpAnswerMs(answer(T, T + 10), NONCE_HIGH, NONCE_LOW, 40)).toBeCloseTo(T + 10 + 15, 3);
    expect(sntpAnswerMs(answer(T, T), NONCE_HIGH, NONCE_LOW, 400)).toBeCloseTo(T + 200, 3);
  });

  test('a round trip the board counted shorter than the server held the request (whole ms) counts as none', () => {
    expect(sntpAnswerMs(answer(T, T + 3), NONCE_HIGH, NONCE_LOW, 2)).toBeCloseTo(T + 3, 3);
  });

  test('after 2036-02-07 (NTP\'s era 1: the seconds wrapped and their top bit is clear)', () => {
    const later = Date.UTC(2040, 0, 1, 0, 0, 1) + 500;
    expect(sntpAnswerMs(answer(later, later), NONCE_HIGH, NONCE_LOW, 0)).toBeCloseTo(later, 3);
    const lastOfEra0 = Date.UTC(2036, 1, 7, 6, 28, 15);
    expect(sntpAnswerMs(answer(lastOfEra0, lastOfEra0), NONCE_HIGH, NONCE_LOW, 0)).toBeCloseTo(lastOfEra0, 3);
  });

  test.each([
    ['a short packet', answer(T, T).subarray(0, 47), 'an answer of 47 bytes, not 48'],
    ['a client\'s request', answer(T, T, (p) => (p[0] = 0x23)), "mode 3, not a server's answer"],
    ['a server not synchronised (leap indicator 3)', answer(T, T, (p) => (p[0] |= 0xc0)), "the server's clock is not synchronised"],
    ['a kiss-o\'-death (stratum 0)', answer(T, T, (p) => { p[1] = 0; p.set([0x52, 0x41, 0x54, 0x45], 12); }), "kiss-o'-death RATE"],
    ['stratum 16', answer(T, T, (p) => (p[1] = 16)), 'stratum 16'],
    ['an answer to another request (its origin another nonce)', answer(T, T, (p) => (p[31] = 6)), 'an answer to another request'],
    ['no transmit time', answer(T, T, (p) => p.fill(0, 40, 48)), 'no transmit time'],
  ])('not the time: %s', (_what, packet, why) => {
    expect(sntpAnswerMs(packet, NONCE_HIGH, NONCE_LOW, 5)).toBe(why);
  });
});
