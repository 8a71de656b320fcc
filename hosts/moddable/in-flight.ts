/**
 * The most bytes a board's socket holds unacknowledged at once: one TCP
 * segment. What a socket reports as room is lwIP's send buffer (11,680 bytes
 * on a Pico W), but lwIP copies what it is given into its own heap until the
 * peer acknowledges it, and on a Pico W that heap is 4,000 bytes (the
 * pico-sdk's MEM_SIZE), shared with every other socket, ACK and mDNS answer.
 * A write the heap cannot take fails: Moddable's ECMA-419 socket then ends
 * the connection ("tcp write failed": a 3.5 KB MQTT publish did, every time),
 * and its `socket` module waits 25 ms and tries again, the whole board stopped
 * meanwhile (a 6 KB HTTP answer: 39 waits, almost a second). Given a segment
 * at a time, a socket sends the next when the peer has acknowledged it.
 */
export const MAX_IN_FLIGHT = 1460;

/**
 * How many of a board's sockets may have a write unacknowledged at once. lwIP
 * copies a write into a buffer sized for a whole segment (TCP_OVERSIZE: 1,532
 * bytes of its heap with the headers, for 74 bytes as for 1,460) and frees it
 * only when the peer has acknowledged all of it; a peer acknowledges late (a
 * client's delayed ACK, 40 to 200 ms). Three sockets with a write out, however
 * small, overfill the 4,000-byte heap: three HTTP clients fetching at once made
 * the board wait 9 to 15 times, 25 ms each. Two leave ~900 bytes for ACKs, ARP and
 * mDNS answers.
 */
export const BOARD_SEGMENTS = 2;

/**
 * How long a closing socket waits for the peer to acknowledge what it was given
 * (`closeWhenAcknowledged`) before it closes anyway: a client's delayed ACK is
 * 40 to 200 ms; a peer silent this long is gone, and lwIP frees its buffers when
 * it gives up on it.
 */
export const ACK_WAIT_MS = 2000;

/**
 * How long a socket whose peer has closed keeps its share while a write of its is unacknowledged
 * (`peerClosed`). Moddable's socket reports nothing more after the peer's FIN, but the peer still
 * acknowledges, or resets, what crossed its FIN: within its delayed ACK (40 to 200 ms) and a round trip.
 */
export const PEER_CLOSED_ACK_MS = 500;

/** How often the owner of a timer calls `sweepStalledShares` (the WoT server's connection sweep). */
export const STALL_SWEEP_MS = 1000;

/**
 * How long a share may be held with nothing of its write acknowledged before its socket is given up
 * (`sweepStalledShares`): a client that stopped reading (its window shut) or went away holds one of
 * the board's BOARD_SEGMENTS buffers in lwIP's heap for as long as lwIP keeps trying, minutes. Two
 * such clients held them both, and every other socket of the board, the MQTT client's too, could
 * write nothing again. A client that reads acknowledges within its delayed ACK and a round trip.
 */
export const STALLED_MS = 10_000;

/**
 * As STALLED_MS, once another socket has waited this long for the board's budget: a peer silent this
 * long is gone (ACK_WAIT_MS). (A wait of a moment, for a segment about to be acknowledged, is not one.)
 */
export const STALLED_WHILE_WAITED_MS = ACK_WAIT_MS;

/** Sockets with a write unacknowledged, as far as their reports and writes tell. */
let segmentsHeld = 0;
/** Sockets the board's budget held back: each hears (`retry`) when another lets go of its segment. Made at run time (a preloaded array is read-only). */
let waiting: InFlightCap[] | undefined;
/** The sockets that hold a segment now (about BOARD_SEGMENTS), for `sweepStalledShares`. Made at run time. */
let holders: InFlightCap[] | undefined;
/** Stall sweeps through which sockets have been waiting for the budget, none of them told of room since. */
let waitedSweeps = 0;

/**
 * Give up the sockets whose write has had nothing acknowledged for STALLED_MS (STALLED_WHILE_WAITED_MS
 * once another socket has waited as long for the budget): each owner that gave a `stalled` callback is told, and
 * resets its connection (a close while the peer's window is shut is a reset on a Pico W, pico/lwip-lock.c), so lwIP lets
 * go of the buffer and the board's budget has room again. Called every STALL_SWEEP_MS by a timer's
 * owner: a share counts the sweeps it sat through without progress, so nothing runs per write.
 */
export function sweepStalledShares(): void {
  waitedSweeps = waiting !== undefined && waiting.length > 0 ? waitedSweeps + 1 : 0;
  if (holders === undefined || holders.length === 0) return;
  const limitMs = waitedSweeps * STALL_SWEEP_MS > STALLED_WHILE_WAITED_MS ? STALLED_WHILE_WAITED_MS : STALLED_MS;
  // Each told may release (leaving `holders`) and so wake others: the list is walked from its end.
  for (let i = holders.length - 1; i >= 0; i--) {
    const cap = holders[i];
    if (cap === undefined) continue; // released by an owner told before it
    // More than limitMs of sweeps: the latest progress may have come just before the first of them.
    if (++cap.quietSweeps * STALL_SWEEP_MS > limitMs) cap.giveUp();
  }
}

/**
 * One socket's share of lwIP's heap: one write of at most MAX_IN_FLIGHT bytes
 * unacknowledged, the next once the peer has acknowledged all of it, and only
 * while fewer than BOARD_SEGMENTS sockets have one out. Its owner reports the
 * socket's room at each writable callback (`report`), asks `room()` before it
 * writes, gives the socket at most that in one write and says so (`sent`),
 * closes once the peer has acknowledged it all (`closeWhenAcknowledged`) and
 * lets go when the socket closes (`release`). `retry` is called when the
 * board's budget has room again after holding this socket back: the owner then
 * writes what it still has.
 */
export class InFlightCap {
  /** The socket's send buffer, empty: the most room it has reported. */
  private sendBuffer = 0;
  /** The socket's room as of its latest report, less what was written since. */
  private free = 0;
  /** Bytes given to the socket and not yet acknowledged: while there are any, it holds a segment's buffer. */
  private held = 0;
  /** The owner's close, waiting for the peer to acknowledge everything (`closeWhenAcknowledged`). */
  private closing: (() => void) | undefined;
  /** The peer has closed with a write of this socket's unacknowledged: the share is let go by `peerClosed`'s timer only. */
  private afterPeer = false;
  /** Stall sweeps (`sweepStalledShares`) since the share was taken or the peer last acknowledged some of it. */
  quietSweeps = 0;

  /**
   * `retry`: the board's budget has room again. `stalled`: the peer has acknowledged nothing for too
   * long (`sweepStalledShares`): reset the connection. Without it the share is never swept (the MQTT
   * client's: its keep-alive gives up on a silent broker).
   */
  constructor(private readonly retry: () => void, private readonly stalled?: () => void) {}

  /** Told by `sweepStalledShares`. */
  giveUp(): void {
    if (this.stalled !== undefined) this.stalled();
  }

  /** The socket says it can take `free` bytes: what it has had acknowledged no longer counts. */
  report(free: number): void {
    if (this.afterPeer) return; // the socket says no room now: that is not what lwIP holds
    if (free > this.sendBuffer) this.sendBuffer = free;
    this.free = free;
    this.hold(this.sendBuffer - free);
    if (this.closing !== undefined && this.held === 0) {
      const close = this.closing;
      this.closing = undefined;
      close();
    }
  }

  /** What may be given to the socket now, in one write. */
  room(): number {
    if (this.held > 0) return 0; // its write is out: the next when all of it is acknowledged (its own report)
    if (segmentsHeld >= BOARD_SEGMENTS) {
      if (waiting === undefined) waiting = [];
      if (waiting.indexOf(this) < 0) waiting.push(this);
      return 0;
    }
    return this.free < MAX_IN_FLIGHT ? this.free : MAX_IN_FLIGHT;
  }

  /** `n` bytes were given to the socket. */
  sent(n: number): void {
    this.free -= n;
    this.hold(this.held + n);
  }

  /** Everything given to the socket has been acknowledged: lwIP holds no buffer of this socket's. */
  acknowledged(): boolean {
    return this.held === 0;
  }

  /**
   * Close the socket once the peer has acknowledged all it was given: at once if it has, else from the
   * report that says so. Closed with a write out, lwIP keeps that buffer until the peer acknowledges
   * it, while the board's budget would count it no more: the next socket's write then overfills the
   * heap. The owner keeps reporting meanwhile and bounds the wait (`ACK_WAIT_MS`, for a peer that never
   * acknowledges); `close` runs once, and releases.
   */
  closeWhenAcknowledged(close: () => void): void {
    if (this.held === 0) {
      this.closing = undefined;
      close();
      return;
    }
    this.closing = close;
  }

  /**
   * The peer closed its side. Moddable's socket then reports nothing more (it drops lwIP's sent
   * callback at the peer's FIN, and says it has no room), but lwIP keeps a write the peer has not
   * acknowledged until the peer acknowledges or resets it: let go of then, the share was counted no
   * more while lwIP still held its buffer, and a third socket's write made the board wait. So a share
   * with a write out is let go PEER_CLOSED_ACK_MS later (`later` arms the timer), at once otherwise;
   * the owner may close the socket meanwhile (its `release` waits for the timer). (On a Pico W a connection
   * the server accepted keeps its sent callback, pico/lwip-lock.c: its reports past the FIN are ignored here
   * all the same; only the HTTP connection answering a half-closed client uses them, and does not call this.)
   */
  peerClosed(later: (letGo: () => void, ms: number) => void): void {
    if (this.afterPeer) return;
    if (this.held === 0) {
      this.release();
      return;
    }
    this.closing = undefined;
    this.afterPeer = true;
    later(() => {
      this.afterPeer = false;
      this.release();
    }, PEER_CLOSED_ACK_MS);
  }

  /**
   * Close `socket` and then let go of the share, in the order `release` needs; a close that throws found the
   * socket closed already (by the peer; lin closes it when the peer does). The owners' one way to end a socket.
   */
  closeAndRelease(socket: { close(): void } | undefined): void {
    if (socket !== undefined) {
      try {
        socket.close();
      } catch {
        // closed already
      }
    }
    this.release();
  }

  /**
   * The socket closed: its segment is the board's again (close with `closeWhenAcknowledged`, which says why).
   * Call it once the socket is closed, not before: the sockets held back are told at once and write, and a
   * close is what makes lwIP let go of its buffer (a reset, for a peer whose window is shut: pico/lwip-lock.c). Released first,
   * a connection given up for not acknowledging still held its buffer when the MQTT client's write came, and
   * lwIP's heap, two such buffers and the new one, refused it: Moddable's TCP socket ended the connection.
   */
  release(): void {
    if (this.afterPeer) return;
    this.closing = undefined;
    this.free = 0;
    this.hold(0);
    const at = waiting === undefined ? -1 : waiting.indexOf(this);
    if (at >= 0) waiting!.splice(at, 1);
  }

  private hold(held: number): void {
    const had = this.held > 0;
    if (held < this.held) this.quietSweeps = 0; // the peer acknowledged some of it
    this.held = held;
    if (had === held > 0) return;
    if (!had) {
      segmentsHeld++;
      this.quietSweeps = 0;
      if (this.stalled !== undefined) {
        if (holders === undefined) holders = [];
        holders.push(this);
      }
      return;
    }
    segmentsHeld--;
    const at = holders === undefined ? -1 : holders.indexOf(this);
    if (at >= 0) holders!.splice(at, 1);
    if (waiting === undefined || waiting.length === 0) return;
    // Each may write now, and be held back again (then it waits again): the list is taken first.
    const woken = waiting;
    waiting = undefined;
    waitedSweeps = 0;
    for (let i = 0; i < woken.length; i++) if (woken[i] !== this) woken[i].retry();
  }
}
