import { BOARD_SEGMENTS, InFlightCap, MAX_IN_FLIGHT, PEER_CLOSED_ACK_MS } from '../../../hosts/moddable/in-flight';

/** A socket as lwIP keeps it: a send buffer whose room shrinks as it is written and grows as the peer acknowledges. */
class Socket {
  free = 11_680;
  readonly retries: number[] = [];
  readonly cap: InFlightCap = new InFlightCap(() => this.retries.push(this.free));
  /** Write as much of `n` as the cap allows; returns what was written. */
  write(n: number): number {
    this.cap.report(this.free);
    const room = this.cap.room();
    const w = n < room ? n : room;
    this.free -= w;
    this.cap.sent(w);
    return w;
  }
  acknowledge(n: number): void {
    this.free += n;
    this.cap.report(this.free);
  }
}

describe('InFlightCap: a socket\'s share of lwIP\'s heap on a board', () => {
  test('a socket has one write out at most, of a segment at most; the next when the peer has acknowledged all of it', () => {
    const a = new Socket();
    expect([a.write(6000), a.write(6000)]).toEqual([MAX_IN_FLIGHT, 0]);
    a.acknowledge(1000); // lwIP keeps the segment's buffer until all of it is acknowledged
    expect(a.write(6000)).toBe(0);
    a.acknowledge(MAX_IN_FLIGHT - 1000);
    expect(a.write(6000)).toBe(MAX_IN_FLIGHT);
    a.acknowledge(MAX_IN_FLIGHT);
    a.cap.release();
  });

  test('a socket whose room is less than a segment is given that', () => {
    const a = new Socket();
    a.free = 300;
    expect(a.write(6000)).toBe(300);
    a.cap.release();
  });

  test('at most BOARD_SEGMENTS sockets have a write out, however small: the next waits, and is told once one of theirs is acknowledged', () => {
    expect(BOARD_SEGMENTS).toBe(2);
    const [a, b, c] = [new Socket(), new Socket(), new Socket()];
    expect([a.write(74), b.write(722), c.write(6000)]).toEqual([74, 722, 0]);
    expect(c.retries).toEqual([]);
    a.acknowledge(40);
    expect(c.retries).toEqual([]); // a still holds its segment
    a.acknowledge(34);
    expect(c.retries).toHaveLength(1); // told once: its owner writes now
    expect(c.write(6000)).toBe(MAX_IN_FLIGHT);
    expect(a.write(10)).toBe(0); // a's turn is gone: it waits now, and hears when b or c lets go
    expect(a.retries).toEqual([]);
    c.cap.release(); // c closed with its write unacknowledged: the board has its segment back
    expect(a.retries).toHaveLength(1);
    expect(a.write(10)).toBe(10);
    for (const s of [a, b, c]) s.cap.release();
  });

  test('sockets that closed hold nothing: two others write at once after them', () => {
    const [a, b] = [new Socket(), new Socket()];
    a.write(MAX_IN_FLIGHT);
    b.write(MAX_IN_FLIGHT);
    a.cap.release();
    b.acknowledge(MAX_IN_FLIGHT);
    b.cap.release();
    const [c, d] = [new Socket(), new Socket()];
    expect([c.write(9000), d.write(9000)]).toEqual([MAX_IN_FLIGHT, MAX_IN_FLIGHT]);
    for (const s of [c, d]) s.cap.release();
  });

  test('closeWhenAcknowledged: a socket with a write out keeps its share until the peer acknowledges it all, then closes (once) and lets go: the socket held back writes only then', () => {
    const [a, b, c] = [new Socket(), new Socket(), new Socket()];
    a.write(74); // a last packet (an MQTT DISCONNECT, a WebSocket push)
    b.write(MAX_IN_FLIGHT);
    const closes: string[] = [];
    a.cap.closeWhenAcknowledged(() => {
      closes.push('a');
      a.cap.release();
    });
    expect(closes).toEqual([]);
    expect(c.write(6000)).toBe(0); // lwIP still holds a's buffer: the board counts it
    a.acknowledge(40);
    expect([closes, c.retries]).toEqual([[], []]);
    a.acknowledge(34);
    expect([closes, c.retries.length]).toEqual([['a'], 1]);
    expect(c.write(6000)).toBe(MAX_IN_FLIGHT);
    a.cap.report(a.free); // a report after the close runs nothing again
    expect(closes).toEqual(['a']);
    for (const s of [b, c]) s.cap.release();
  });

  test('peerClosed: a socket whose peer closed with a write of its unacknowledged keeps its share until the timer it arms (what crossed the FIN is still in lwIP\'s heap), whatever it reports or releases meanwhile; with nothing out it lets go at once', () => {
    const gone = new Socket();
    const other = new Socket();
    const third = new Socket();
    gone.write(100);
    other.write(100);
    const timers: [() => void, number][] = [];
    gone.cap.peerClosed((letGo, ms) => timers.push([letGo, ms]));
    expect(timers.map(([, ms]) => ms)).toEqual([PEER_CLOSED_ACK_MS]);
    gone.cap.report(0); // Moddable's socket says no room once the peer has gone
    gone.cap.release(); // the owner closes the socket
    expect(third.write(100)).toBe(0); // two of lwIP's segment buffers are still held
    timers[0][0]();
    expect(third.retries).toHaveLength(1);
    expect(third.write(100)).toBe(100);
    const idle = new Socket();
    idle.cap.peerClosed(() => { throw new Error('no timer for a socket with nothing out'); });
    for (const s of [other, third]) s.cap.release();
  });

  test('closeWhenAcknowledged with nothing out closes at once; a release before the acknowledgement (the wait\'s bound, the peer gone) forgets the close', () => {
    const [a, b] = [new Socket(), new Socket()];
    const closes: string[] = [];
    a.cap.closeWhenAcknowledged(() => closes.push('a'));
    expect(closes).toEqual(['a']);
    a.cap.release();
    b.write(100);
    b.cap.closeWhenAcknowledged(() => closes.push('b'));
    b.cap.release(); // closed by its owner's timer
    b.acknowledge(100);
    expect(closes).toEqual(['a']);
  });
});
