/**
 * An SNTP exchange's arithmetic (RFC 4330): the request a board sends, and the time the server's
 * answer gives, to the millisecond, the round trip halved. Pure (no host module), so the Node tests
 * check it byte by byte; `./sntp-client` sends the request and takes the answer.
 *
 * Moddable's own SNTP reads the answer's whole seconds only, and `Time.set` takes whole seconds over
 * the board's own milliseconds: a board's clock was up to a second off the network's at each set.
 */

/** An SNTP packet's length without extensions. */
export const SNTP_PACKET_BYTES = 48;
/** Seconds from the NTP epoch (1900) to the Unix one (1970). */
const NTP_UNIX_OFFSET_S = 2_208_988_800;
/** 2^32: an NTP timestamp's seconds wrap here (era 1 begins 2036-02-07), and its fraction counts in these parts. */
const TWO_POW_32 = 4294967296;
/** Version 4 in the first byte (bits 3 to 5); its low 3 bits are the mode. */
const VERSION_4 = 4 << 3;
const MODE_CLIENT = 3;
const MODE_SERVER = 4;
/** The leap indicator (the first byte's top 2 bits) that says the server's own clock is not synchronised. */
const LEAP_ALARM = 3;
/** Where the timestamps are: the server sends back the request's transmit time as the answer's origin. */
const ORIGIN_AT = 24, RECEIVE_AT = 32, TRANSMIT_AT = 40;

/**
 * A request into `packet` (48 bytes, zeroed): version 4, client mode, and `nonce` (two 32-bit words) as its
 * transmit time. The server sends that back as the answer's origin: an answer whose origin is not the
 * nonce of the request it is taken for (a late answer to an earlier one, a forged one) is not the time.
 */
export function writeSntpRequest(packet: Uint8Array, nonceHigh: number, nonceLow: number): void {
  packet[0] = VERSION_4 | MODE_CLIENT;
  writeU32(packet, TRANSMIT_AT, nonceHigh);
  writeU32(packet, TRANSMIT_AT + 4, nonceLow);
}

/**
 * The Unix ms when the answer arrived, or why `answer` does not give the time (a line for the console).
 * `roundTripMs`: the board's own ms from sending the request to taking the answer. The server says when
 * the request reached it and when it sent the answer; the rest of the round trip was the network's, and
 * half of it is counted on the way back (NTP's assumption: the two ways take as long).
 */
export function sntpAnswerMs(answer: Uint8Array, nonceHigh: number, nonceLow: number, roundTripMs: number): number | string {
  if (answer.length !== SNTP_PACKET_BYTES) return `an answer of ${answer.length} bytes, not ${SNTP_PACKET_BYTES}`;
  const first = answer[0];
  if ((first & 7) !== MODE_SERVER) return `mode ${first & 7}, not a server's answer`;
  if (first >> 6 === LEAP_ALARM) return "the server's clock is not synchronised";
  const stratum = answer[1];
  // Stratum 0 is a kiss-o'-death: its reference id says why (RATE, DENY...), in four ASCII letters.
  if (stratum === 0) return `kiss-o'-death ${String.fromCharCode(answer[12], answer[13], answer[14], answer[15])}`;
  if (stratum > 15) return `stratum ${stratum}`;
  if (readU32(answer, ORIGIN_AT) !== nonceHigh || readU32(answer, ORIGIN_AT + 4) !== nonceLow) return 'an answer to another request';
  if (readU32(answer, TRANSMIT_AT) === 0) return 'no transmit time';
  const receivedMs = unixMs(answer, RECEIVE_AT);
  const sentMs = unixMs(answer, TRANSMIT_AT);
  const held = sentMs - receivedMs;
  // The network's part of the round trip: never less than nothing (the board counts whole ms).
  const networkMs = roundTripMs > held ? roundTripMs - held : 0;
  return sentMs + networkMs / 2;
}

/** The Unix ms of the NTP timestamp at `at`: seconds with their top bit clear are era 1, from 2036-02-07 on (RFC 4330, 3). */
function unixMs(p: Uint8Array, at: number): number {
  let seconds = readU32(p, at);
  if (seconds < 0x80000000) seconds += TWO_POW_32;
  return (seconds - NTP_UNIX_OFFSET_S) * 1000 + (readU32(p, at + 4) * 1000) / TWO_POW_32;
}

function readU32(p: Uint8Array, at: number): number {
  return ((p[at] << 24) | (p[at + 1] << 16) | (p[at + 2] << 8) | p[at + 3]) >>> 0;
}

function writeU32(p: Uint8Array, at: number, value: number): void {
  p[at] = value >>> 24;
  p[at + 1] = (value >>> 16) & 0xff;
  p[at + 2] = (value >>> 8) & 0xff;
  p[at + 3] = value & 0xff;
}
