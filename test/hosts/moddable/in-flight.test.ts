import { BOARD_SEGMENTS, InFlightCap, MAX_IN_FLIGHT, PEER_CLOSED_ACK_MS, STALL_SWEEP_MS, STALLED_MS, STALLED_WHILE_WAITED_MS, sweepStalledShares } from '../../../hosts/moddable/in-flight';

/** A socket as lwIP keeps it: a send buffer whose room shrinks as it is written and grows as the peer acknowledges. */
class Socket {
  free = 11_680;
  readonly retries: number[] = [];
  /** How many times the stall sweep gave this socket up; its owner resets the connection then (and the share goes with it). */
  stalls = 0;
  readonly cap: InFlightCap;
  /** `swept`: its owner gives a `stalled` callback (the WoT server's connections do; the MQTT client does not). */
  constructor(swept = true) {
    this.cap = new InFlightCap(() => this.retries.push(this.free), swept ? () => {
      this.stalls++;
      this.cap.release();
    } : undefined);
  }
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

  test('closeAndRelease closes the socket first, then lets go of its share: a socket held back writes only after the close (lwIP lets go of the buffer at the close); a close that throws (closed already) still lets go', () => {
    const [a, b, c] = [new Socket(), new Socket(), new Socket()];
    expect([a.write(100), b.write(100), c.write(100)]).toEqual([100, 100, 0]);
    const seen: string[] = [];
    a.cap.closeAndRelease({ close: () => { seen.push(`a closed, c told ${c.retries.length} times`); } });
    expect([seen, c.retries.length]).toEqual([['a closed, c told 0 times'], 1]);
    expect(c.write(100)).toBe(100);
    b.cap.closeAndRelease({ close: () => { throw new Error('close on closed socket'); } });
    const d = new Socket();
    expect(d.write(100)).toBe(100); // b's share let go all the same
    c.cap.closeAndRelease(undefined); // no socket left to close: the share alone
    const e = new Socket();
    expect(e.write(100)).toBe(100);
    for (const s of [a, b, c, d, e]) s.cap.release();
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

  /** Sweeps, as the WoT server's timer makes them every STALL_SWEEP_MS. */
  const sweeps = (n: number) => {
    for (let i = 0; i < n; i++) sweepStalledShares();
  };

  test('a socket whose peer acknowledges nothing of its write for STALLED_MS is given up (its owner resets the connection), and its segment is the board\'s again; a peer that acknowledges some of it in time starts the count again', () => {
    const [stuck, slow] = [new Socket(), new Socket()];
    stuck.write(MAX_IN_FLIGHT);
    slow.write(MAX_IN_FLIGHT);
    const limit = STALLED_MS / STALL_SWEEP_MS;
    sweeps(limit - 1);
    slow.acknowledge(100); // a window's worth read: progress
    sweeps(1);
    expect([stuck.stalls, slow.stalls]).toEqual([0, 0]); // a whole STALLED_MS may have passed since the write only after one more sweep
    sweeps(1);
    expect([stuck.stalls, slow.stalls]).toEqual([1, 0]);
    const next = new Socket();
    expect(next.write(MAX_IN_FLIGHT)).toBe(MAX_IN_FLIGHT); // the stuck one's segment
    sweeps(limit - 2); // limit + 1 sweeps since its progress, as the stuck one's
    expect(slow.stalls).toBe(0);
    sweeps(1);
    expect(slow.stalls).toBe(1);
    for (const s of [stuck, slow, next]) s.cap.release();
  });

  test('once another socket has waited STALLED_WHILE_WAITED_MS for the board\'s budget, as long without an acknowledgement is enough: two peers that stopped reading no longer keep every other socket of the board from writing; a wait of a moment does not count', () => {
    expect(STALLED_WHILE_WAITED_MS).toBeLessThan(STALLED_MS);
    const [a, b, waiter] = [new Socket(), new Socket(), new Socket(false)];
    a.write(MAX_IN_FLIGHT);
    b.write(MAX_IN_FLIGHT);
    const limit = STALLED_WHILE_WAITED_MS / STALL_SWEEP_MS;
    sweeps(limit);
    // A wait that ends at once (b's segment acknowledged): the waits that make the short rule start again after it.
    expect(waiter.write(55)).toBe(0);
    b.acknowledge(MAX_IN_FLIGHT);
    expect(waiter.retries).toHaveLength(1);
    b.write(MAX_IN_FLIGHT);
    expect(waiter.write(55)).toBe(0); // an MQTT publish, say: held back again
    sweeps(limit);
    expect([a.stalls, b.stalls, waiter.retries.length]).toEqual([0, 0, 1]); // a has had no progress for 2 x limit sweeps: under STALLED_MS
    sweeps(1);
    expect([a.stalls, b.stalls]).toEqual([1, 1]); // the waiter has waited longer than STALLED_WHILE_WAITED_MS now, and neither a nor b had progress for as long
    expect(waiter.retries).toHaveLength(2);
    expect(waiter.write(55)).toBe(55);
    waiter.cap.release();
  });

  test('two peers that stopped reading, and a socket that waits for them: both given up after STALLED_WHILE_WAITED_MS of waiting', () => {
    const [a, b, waiter] = [new Socket(), new Socket(), new Socket(false)];
    a.write(MAX_IN_FLIGHT);
    b.write(MAX_IN_FLIGHT);
    expect(waiter.write(55)).toBe(0);
    sweeps(STALLED_WHILE_WAITED_MS / STALL_SWEEP_MS);
    expect([a.stalls, b.stalls, waiter.retries.length]).toEqual([0, 0, 0]);
    sweeps(1);
    expect([a.stalls, b.stalls]).toEqual([1, 1]);
    expect(waiter.retries.length).toBeGreaterThan(0); // told at the first share let go
    expect(waiter.write(55)).toBe(55);
    waiter.cap.release();
  });

  test('a socket whose owner gives no stalled callback is never given up (the MQTT client: its keep-alive gives up on a silent broker), nor one with nothing out', () => {
    const [unswept, idle] = [new Socket(false), new Socket()];
    unswept.write(MAX_IN_FLIGHT);
    idle.write(10);
    idle.acknowledge(10);
    sweeps(3 * STALLED_MS / STALL_SWEEP_MS);
    expect([unswept.stalls, idle.stalls]).toEqual([0, 0]);
    expect(unswept.cap.acknowledged()).toBe(false);
    for (const s of [unswept, idle]) s.cap.release();
  });
});
