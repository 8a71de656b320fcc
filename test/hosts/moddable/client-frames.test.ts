/**
 * A client's frames made into what Moddable's `websocket` reads right (hosts/moddable/client-frames.ts).
 * The frames come from `ws`'s own Sender, masked as a client sends them; what is made ready is read
 * back by `ws`'s Receiver on the client's side (unmasked frames, as a server's): every ready byte must
 * be a frame it reads, and the messages what was sent. On the board the same code runs under the
 * WebThingServer (test/firmware/host-check, test/hosts/moddable/lin-host-check.mjs).
 */
import type { EventEmitter } from 'node:events';
import * as ws from 'ws';
import { ClientFrames, CLOSE_PROTOCOL_ERROR, CLOSE_TOO_BIG, type ClientFrameSink } from '../../../hosts/moddable/client-frames';

/** `ws`'s own frame writer and reader, which it exports (@types/ws does not declare them). */
const { Sender, Receiver } = ws as unknown as {
  Sender: { frame(data: Buffer, options: object): Buffer[] };
  Receiver: new (options: { isServer: boolean }) => EventEmitter & { write(chunk: Buffer): void };
};

type FrameOptions = { fin?: boolean; opcode: number; mask?: boolean };

/** One frame as `ws` sends it from a client (masked, a random key), or unmasked when asked. */
function frame(data: string | Buffer, { fin = true, opcode, mask = true }: FrameOptions): Buffer {
  return Buffer.concat(Sender.frame(typeof data === 'string' ? Buffer.from(data) : data, { fin, opcode, mask, readOnly: false, rsv1: false }));
}
const text = (s: string, fin = true) => frame(s, { opcode: 0x1, fin });
const more = (s: string, fin = true) => frame(s, { opcode: 0x0, fin });

/** Scans bytes given in pieces, as ReplaySocket does, and keeps what is ready and what it sent. */
class Held implements ClientFrameSink {
  bytes = new Uint8Array(70_000);
  end = 0;
  ready = 0;
  readonly sent: [number, string][] = [];
  readonly frames = new ClientFrames(16 * 1024, this);

  sendControl(opcode: number, payload: Uint8Array): void {
    this.sent.push([opcode, Buffer.from(payload).toString('latin1')]);
  }

  /** Bytes come (a segment); returns the refusal, 0 for none. */
  come(b: Buffer): number {
    this.bytes.set(b, this.end);
    this.end += b.length;
    this.frames.scan(this.bytes, this.ready, this.end);
    if (this.frames.refusal !== 0) return this.frames.refusal;
    this.end = this.frames.end;
    this.ready = this.frames.readyEnd;
    return 0;
  }

  /**
   * What `ws` makes of the ready bytes, frame by frame (a client's frames pass masked, as `websocket` reads them;
   * joined ones are unmasked): each read by a Receiver on the side that sends such frames.
   */
  read(): { messages: string[]; closes: number[]; errors: string[] } {
    const got = { messages: [] as string[], closes: [] as number[], errors: [] as string[] };
    const b = this.bytes;
    for (let at = 0; at < this.ready;) {
      const masked = (b[at + 1] & 0x80) !== 0;
      const short = b[at + 1] & 0x7f;
      const length = short === 126 ? (b[at + 2] << 8) | b[at + 3] : short;
      const end = at + (short === 126 ? 4 : 2) + (masked ? 4 : 0) + length;
      const receiver = new Receiver({ isServer: masked });
      receiver.on('message', (m: Buffer) => got.messages.push(m.toString()));
      receiver.on('conclude', (code: number) => got.closes.push(code));
      receiver.on('error', (e: Error) => got.errors.push(e.message));
      receiver.write(Buffer.from(b.subarray(at, end)));
      at = end;
    }
    return got;
  }
}

describe('ClientFrames: a client\'s frames as Moddable\'s websocket reads them', () => {
  test('whole messages pass as they are, masked; a frame in pieces is ready once all of it is in, and how far it reaches is known from its header', () => {
    const held = new Held();
    const a = text('{"a":1}');
    const b = text('x'.repeat(300)); // a 16-bit length
    expect(held.come(Buffer.concat([a, b.subarray(0, 10)]))).toBe(0);
    expect([held.ready, held.frames.neededEnd]).toEqual([a.length, a.length + b.length]);
    expect(held.come(b.subarray(10))).toBe(0);
    expect(held.ready).toBe(a.length + b.length);
    expect(Buffer.from(held.bytes.subarray(0, held.ready))).toEqual(Buffer.concat([a, b])); // untouched: `websocket` unmasks these itself
  });

  test('a ping is answered with its payload and taken out, a pong taken out: the messages around them stay whole (the old board answered with the mask and read the rest as frames)', () => {
    const held = new Held();
    expect(held.come(Buffer.concat([text('one'), frame('are you there', { opcode: 0x9 }), frame('late', { opcode: 0xa }), text('two')]))).toBe(0);
    expect(held.sent).toEqual([[0xa, 'are you there']]);
    expect(held.read()).toEqual({ messages: ['one', 'two'], closes: [], errors: [] });
  });

  test('a message in fragments becomes one frame once its last fragment is in, a ping between them answered; its parts over a 16-bit length together', () => {
    const held = new Held();
    const big = 'y'.repeat(200);
    expect(held.come(Buffer.concat([text('{"messageType":', false), frame('p', { opcode: 0x9 })]))).toBe(0);
    expect(held.ready).toBe(0); // not before its last fragment
    expect(held.sent).toEqual([[0xa, 'p']]);
    expect(held.come(more(`"setProperty","data":{"s":"${big}`, false))).toBe(0);
    const last = more('"}}');
    expect(held.come(last.subarray(0, 3))).toBe(0);
    expect(held.ready).toBe(0);
    expect(held.come(Buffer.concat([last.subarray(3), text('after')]))).toBe(0);
    const message = `{"messageType":"setProperty","data":{"s":"${big}"}}`;
    expect(held.read()).toEqual({ messages: [message, 'after'], closes: [], errors: [] });
    // One unmasked frame with a 16-bit length, then the next message as it came.
    expect([held.bytes[0], held.bytes[1], (held.bytes[2] << 8) | held.bytes[3]]).toEqual([0x81, 126, message.length]);
  });

  test('a close is answered with its code and made ready for `websocket` to end the session; a message left in fragments before it is dropped, and what follows it', () => {
    const held = new Held();
    const code = Buffer.from([0x03, 0xe8]);
    expect(held.come(Buffer.concat([text('kept'), text('never ends', false), frame(code, { opcode: 0x8 }), text('after the close')]))).toBe(0);
    expect(held.sent).toEqual([[0x8, '\x03\xe8']]);
    const read = held.read();
    expect([read.messages, read.closes]).toEqual([['kept'], [1000]]);
  });

  test('messages of every size, whole or in fragments, pings between and inside them, coming in segments of any size: each read back as sent, each ping answered (200 seeded runs)', () => {
    let seed = 7;
    const random = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    for (let run = 0; run < 200; run++) {
      const held = new Held();
      const sent: string[] = [];
      const pings: string[] = [];
      const frames: Buffer[] = [];
      const ping = () => { const p = `p${run}.${pings.length}`; pings.push(p); frames.push(frame(p, { opcode: 0x9 })); };
      for (let m = 1 + random(4); m > 0; m--) {
        const message = String.fromCharCode(97 + random(26)).repeat(random(3000)) + `#${run}`;
        sent.push(message);
        const parts = 1 + random(4);
        let at = 0;
        for (let k = 0; k < parts; k++) {
          const end = k === parts - 1 ? message.length : at + random(message.length - at + 1);
          frames.push(frame(message.slice(at, end), { opcode: k === 0 ? 0x1 : 0x0, fin: k === parts - 1 }));
          at = end;
          if (random(3) === 0) ping();
        }
      }
      const bytes = Buffer.concat(frames);
      for (let at = 0; at < bytes.length;) {
        const n = 1 + random(1500);
        expect(held.come(bytes.subarray(at, at + n))).toBe(0);
        at += n;
      }
      expect({ run, ...held.read(), pongs: held.sent.map(([, p]) => p) }).toEqual({ run, messages: sent, closes: [], errors: [], pongs: pings });
    }
  });

  test.each([
    ['an unmasked frame (only a server sends one)', frame('hi', { opcode: 0x1, mask: false })],
    ['a reserved opcode', frame('hi', { opcode: 0x3 })],
    ['a fragmented ping', frame('hi', { opcode: 0x9, fin: false })],
    ['a ping over 125 bytes', frame('z'.repeat(126), { opcode: 0x9 })],
    ['a continuation with no message begun', more('hi')],
    ['a new message inside one in fragments', Buffer.concat([text('a', false), text('b')])],
    ['a reserved bit (no extension was agreed)', Buffer.from([0xc1, 0x80, 0, 0, 0, 0])],
  ])('%s refuses the stream with 1002 (protocol error)', (_what, bytes) => {
    expect(new Held().come(bytes)).toBe(CLOSE_PROTOCOL_ERROR);
  });

  test('a message over the limit is refused with 1009 from a header, before its payload comes: one frame\'s, or its fragments\' together', () => {
    expect(new Held().come(text('q'.repeat(17_000)).subarray(0, 8))).toBe(CLOSE_TOO_BIG);
    expect(new Held().come(Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0, 1, 0, 0]))).toBe(CLOSE_TOO_BIG); // a 64-bit length
    const held = new Held();
    expect(held.come(text('q'.repeat(10_000), false))).toBe(0);
    expect(held.come(more('q'.repeat(7_000)).subarray(0, 8))).toBe(CLOSE_TOO_BIG);
  });
});
