/**
 * Moddable's `socket` Socket as the board's web server uses it (hosts/moddable/wot-server.ts,
 * http-connection.ts, replay-socket.ts): the parts the typings leave out, its callback's messages,
 * and the writes and reads all of them make.
 */
import config from 'mc/config';
import Timer from 'timer';

/** The parts of Moddable's `socket` Socket this server uses (the typings omit listener sockets and typed reads). */
export interface RawSocket {
  read(): number;
  read(type: typeof String, until?: string | number): string | undefined;
  read(type: typeof ArrayBuffer, count: number): ArrayBuffer;
  read(type: null, count: number): void;
  write(...data: (string | ArrayBuffer | number)[]): number;
  write(): number;
  close(): void;
  callback: ((message: number, value?: number) => void) | undefined;
}


export const SOCKET_DATA = 2;
/** The peer's FIN (Moddable's kSocketMsgDisconnect; an error or reset is -2). */
export const SOCKET_PEER_CLOSED = -1;
/** A reset or error (Moddable's kSocketMsgError). */
export const SOCKET_GONE = -2;
/**
 * The socket keeps telling the app of acknowledgements and resets past the peer's FIN, so a
 * client that closes its side after its request (a half-close) can be answered: a Pico W's
 * (pico/lwip-lock.c; manifests/thingflow-net.json sets it). Moddable's socket on other boards
 * forgets both there (an ESP32's) or closes itself (lin's).
 */
export const WRITES_AFTER_FIN = (config as { socketWritesAfterFin?: boolean }).socketWritesAfterFin === true;
export const SOCKET_WRITABLE = 3;

/** Read and drop whatever input has come; returns how many bytes that was. */
export function dropInput(socket: RawSocket): number {
  const n = socket.read();
  if (n > 0) socket.read(null, n);
  return n;
}

/** A write's arguments as the socket takes them (strings as UTF-8, numbers as single bytes), in one buffer. */
export function joined(data: (string | ArrayBuffer | number)[]): ArrayBuffer {
  if (data.length === 1 && data[0] instanceof ArrayBuffer) return data[0];
  let size = 0;
  for (let i = 0; i < data.length; i++) {
    const d = data[i];
    if (typeof d === 'string') data[i] = ArrayBuffer.fromString(d);
    size += typeof d === 'number' ? 1 : (data[i] as ArrayBuffer).byteLength;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < data.length; i++) {
    const d = data[i];
    if (typeof d === 'number') all[at++] = d;
    else {
      all.set(new Uint8Array(d as ArrayBuffer), at);
      at += (d as ArrayBuffer).byteLength;
    }
  }
  return all.buffer;
}

/** What is left of `buffer` from `from`, then `more`, in one buffer (a queue not yet all written, and a write behind it). */
export function restThen(buffer: ArrayBuffer, from: number, more: ArrayBuffer): ArrayBuffer {
  const rest = buffer.byteLength - from;
  const all = new Uint8Array(rest + more.byteLength);
  all.set(new Uint8Array(buffer, from), 0);
  all.set(new Uint8Array(more), rest);
  return all.buffer;
}

/** Run `run` in `ms` (InFlightCap.peerClosed's timer). */
export function afterMs(run: () => void, ms: number): void {
  Timer.set(run, ms);
}

