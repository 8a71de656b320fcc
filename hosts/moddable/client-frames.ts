/**
 * A WebSocket client's frames (RFC 6455 5), made into what Moddable's `websocket` module reads
 * right. That module reads each frame as a whole message and knows masking only on text and
 * binary frames: a masked ping (every client's ping is masked) was answered with its mask and
 * masked bytes as the pong's payload, and the rest read as the next frame's header; a message in
 * fragments was taken for a message per fragment and a frame it did not know. So the server's
 * socket (replay-socket.ts, `ReplaySocket`) hands it only what it reads right: whole unfragmented
 * text and binary messages and close frames. Here, in place in the bytes held for it:
 *
 * - a ping is answered (its payload back in a pong) and taken out, a pong taken out;
 * - a message in fragments becomes one frame once its last fragment is in (a ping between
 *   fragments is answered on the way);
 * - a frame against the protocol (unmasked, reserved bits or opcodes, a control frame fragmented
 *   or over 125 bytes, a continuation with no message begun) refuses the stream with 1002, a
 *   message over the limit (its fragments together) with 1009, both known from a frame's header.
 */

/** Close codes (RFC 6455 7.4.1) the board's server sends. */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_PROTOCOL_ERROR = 1002;
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_TOO_BIG = 1009;

const OP_CONTINUATION = 0x0;
const OP_BINARY = 0x2;
/** Opcodes of the control frames the server sends: a close, a pong. */
export const OP_CLOSE = 0x8;
const OP_PING = 0x9;
export const OP_PONG = 0xa;

/** Frame lengths Moddable's `websocket` reads: 7 or 16 bits (it cannot read a 64-bit length). */
const MAX_FRAME_BYTES = 0xffff;
/** A client's frame header: two bytes and the mask key, two more for a 16-bit length. */
const MASK_BYTES = 4;

/** What the frames ask of the socket that holds them. */
export interface ClientFrameSink {
  /** Send a control frame: a pong (opcode 0xA) with a ping's payload, or a close frame (0x8) answering one. */
  sendControl(opcode: number, payload: Uint8Array): void;
}

export class ClientFrames {
  /** After `scan`: where the frames `websocket` may read now end. */
  readyEnd = 0;
  /** After `scan`: where the held bytes end now (pings, pongs and fragments' headers taken out). */
  end = 0;
  /** After `scan`: where the frame still coming will end once it is all in (0: none begun). */
  neededEnd = 0;
  /** After `scan`: 0, or the close code the stream is refused with (1002, 1009). */
  refusal = 0;

  private readonly limit: number;

  constructor(maxMessageBytes: number, private readonly sink: ClientFrameSink) {
    this.limit = maxMessageBytes < MAX_FRAME_BYTES ? maxMessageBytes : MAX_FRAME_BYTES;
  }

  /**
   * Look at `h[from, end)`, bytes that have come after the frames already ready: answer and take out
   * control frames, join a message's fragments once all are in. A message begun in fragments is not
   * ready until its last one, so it is looked at again from its start: `from` is the ready frames' end.
   */
  scan(h: Uint8Array, from: number, end: number): void {
    let at = from;
    let message = -1; // where a message in fragments begins
    let messageBytes = 0;
    this.neededEnd = 0;
    this.refusal = 0;
    while (at + 2 <= end) {
      const first = h[at];
      const second = h[at + 1];
      const opcode = first & 0x0f;
      const fin = (first & 0x80) !== 0;
      let length = second & 0x7f;
      let header = 2 + MASK_BYTES;
      if ((second & 0x80) === 0 || (first & 0x70) !== 0) return this.refuse(CLOSE_PROTOCOL_ERROR);
      if (opcode >= OP_CLOSE) {
        if (!fin || length > 125 || opcode > OP_PONG) return this.refuse(CLOSE_PROTOCOL_ERROR);
      } else if (opcode > OP_BINARY || (opcode === OP_CONTINUATION) !== (message >= 0)) {
        return this.refuse(CLOSE_PROTOCOL_ERROR);
      } else {
        if (length === 126) {
          if (at + 4 > end) break;
          length = (h[at + 2] << 8) | h[at + 3];
          header += 2;
        } else if (length === 127) {
          length = MAX_FRAME_BYTES + 1; // a 64-bit length: 2^16 bytes and more
        }
        if ((message >= 0 ? messageBytes : 0) + length > this.limit) return this.refuse(CLOSE_TOO_BIG);
      }
      const frameEnd = at + header + length;
      if (frameEnd > end) {
        this.neededEnd = frameEnd;
        break;
      }
      if (opcode === OP_PING || opcode === OP_PONG) {
        if (opcode === OP_PING) this.sink.sendControl(OP_PONG, unmask(h, at + 2, at + header, length));
        h.copyWithin(at, frameEnd, end);
        end -= frameEnd - at;
      } else if (opcode === OP_CLOSE) {
        // Answered with its code (RFC 6455 5.5.1), then given to `websocket`, which ends the session; a message
        // left in fragments is dropped, as is whatever came after.
        this.sink.sendControl(OP_CLOSE, unmask(h, at + 2, at + header, length < 2 ? 0 : 2));
        if (message >= 0) {
          h.copyWithin(message, at, frameEnd);
          at = message + frameEnd - at;
          message = -1;
        } else {
          at = frameEnd;
        }
        end = at;
        break;
      } else if (opcode !== OP_CONTINUATION) {
        if (!fin) {
          message = at;
          messageBytes = length;
        }
        at = frameEnd;
      } else {
        messageBytes += length;
        at = frameEnd;
        if (fin) {
          const joinedEnd = join(h, message, at, messageBytes);
          h.copyWithin(joinedEnd, at, end);
          end -= at - joinedEnd;
          at = joinedEnd;
          message = -1;
        }
      }
    }
    this.readyEnd = message >= 0 ? message : at;
    this.end = end;
  }

  private refuse(code: number): void {
    this.refusal = code;
  }
}

/** A copy of a frame's payload, unmasked (a ping's, a close's code), its mask key at `h[key, key + 4)`. */
function unmask(h: Uint8Array, key: number, at: number, length: number): Uint8Array {
  const payload = h.slice(at, at + length);
  for (let i = 0; i < length; i++) payload[i] ^= h[key + (i & 3)];
  return payload;
}

/**
 * The fragments of one message, `h[from, to)` (masked, each header at least six bytes), made into one
 * unmasked frame of `bytes` from `from`: its end. Written over the fragments front to back; the
 * written part never passes the one still to read (its header is at most four bytes, each fragment's
 * at least six).
 */
function join(h: Uint8Array, from: number, to: number, bytes: number): number {
  let read = from;
  let write = from + (bytes > 125 ? 4 : 2);
  const opcode = h[from] & 0x0f;
  while (read < to) {
    let length = h[read + 1] & 0x7f;
    let key = read + 2;
    if (length === 126) {
      length = (h[read + 2] << 8) | h[read + 3];
      key += 2;
    }
    const k0 = h[key];
    const k1 = h[key + 1];
    const k2 = h[key + 2];
    const k3 = h[key + 3];
    read = key + MASK_BYTES;
    for (let i = 0; i < length; i++) {
      const k = (i & 3) === 0 ? k0 : (i & 3) === 1 ? k1 : (i & 3) === 2 ? k2 : k3;
      h[write++] = h[read++] ^ k;
    }
  }
  h[from] = 0x80 | opcode;
  if (bytes > 125) {
    h[from + 1] = 126;
    h[from + 2] = bytes >> 8;
    h[from + 3] = bytes & 0xff;
  } else {
    h[from + 1] = bytes;
  }
  return write;
}
