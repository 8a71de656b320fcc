/**
 * The portable parts of the WoT bounds, without a network: the connection guard's shedding order and
 * timeouts, the nesting-depth checks, and the order in which a slow client's held values go out.
 */
import {
  BOARD_CONNECTION_LIMITS, ConnectionGuard, NODE_CONNECTION_LIMITS, PHASE_BODY, PHASE_CLOSING, PHASE_HEADERS, PHASE_IDLE, PHASE_RESPONDING, PHASE_SENDING, PHASE_STREAM, PHASE_WAITING,
} from '../../../runtime/wot/connection-guard';
import { newWotCounters } from '../../../runtime/wot/counters';
import { jsonTextDeeperThan, jsonValueProblem } from '../../../runtime/wot/json-depth';
import { ClientOutbound, type OutboundLink } from '../../../runtime/wot/client-outbound';
import { OutboundBudget } from '../../../runtime/outbound/outbound-budget';

test('ConnectionGuard sheds idle before header-senders, oldest first, never busy ones; sweeps by phase', () => {
  const counters = newWotCounters();
  const guard = new ConnectionGuard({ maxConnections: 3, headersTimeoutMs: 100, requestTimeoutMs: 200, keepAliveTimeoutMs: 50 }, NODE_CONNECTION_LIMITS, counters);
  const closed: string[] = [];
  const a = guard.add(() => closed.push('a'), 0)!;
  const b = guard.add(() => closed.push('b'), 1)!;
  const c = guard.add(() => closed.push('c'), 2)!;
  guard.enter(a, PHASE_RESPONDING, 3);
  guard.enter(c, PHASE_IDLE, 4);
  guard.add(() => closed.push('d'), 5);
  expect(closed).toEqual(['c']); // idle goes before b, which is still sending headers
  const e = guard.add(() => closed.push('e'), 6);
  expect(closed).toEqual(['c', 'b']);
  expect(e).toBeDefined();
  guard.enter(e!, PHASE_STREAM, 7);
  expect(guard.add(() => closed.push('f'), 8)).toBeDefined(); // d (headers) shed
  expect(closed).toEqual(['c', 'b', 'd']);
  expect(guard.add(() => closed.push('g'), 9)).toBeDefined(); // f (headers, newest) is the only one left to shed
  guard.enter(a, PHASE_BODY, 10);
  guard.sweep(10 + 200);
  expect(closed).toEqual(['c', 'b', 'd', 'f', 'g', 'a']);
  expect(counters.connectionsShed).toBe(4);
  expect(counters.connectionsTimedOut).toBe(2);
  expect(guard.size).toBe(1);
});

test('ConnectionGuard: an answer its client takes nothing of is timed out sendTimeoutMs after its last progress (the host enters PHASE_SENDING again at each), and is never shed; one being prepared (PHASE_RESPONDING) is not timed out', () => {
  const counters = newWotCounters();
  const guard = new ConnectionGuard({ maxConnections: 2, sendTimeoutMs: 100 }, NODE_CONNECTION_LIMITS, counters);
  const closed: string[] = [];
  const sending = guard.add(() => closed.push('sending'), 0)!;
  const preparing = guard.add(() => closed.push('preparing'), 0)!;
  guard.enter(sending, PHASE_SENDING, 10);
  guard.enter(preparing, PHASE_RESPONDING, 10);
  expect(guard.add(() => closed.push('new'), 20)).toBeUndefined(); // neither is idle: nothing to shed, the host closes the new one
  guard.sweep(100);
  guard.enter(sending, PHASE_SENDING, 100); // progress: a piece taken
  guard.sweep(199);
  expect(closed).toEqual([]);
  guard.sweep(200);
  expect(closed).toEqual(['sending']);
  expect(counters.connectionsTimedOut).toBe(1);
  guard.sweep(1_000_000);
  expect(closed).toEqual(['sending']); // the one still being prepared (an action it waits for) stays
  expect(new ConnectionGuard(undefined, NODE_CONNECTION_LIMITS, counters).limits.sendTimeoutMs).toBe(30_000);
  expect(() => new ConnectionGuard({ sendTimeoutMs: 0 }, NODE_CONNECTION_LIMITS, counters)).toThrow(RangeError);
});

test('ConnectionGuard.addOrWait (a board): a burst waits for places, first come first served, instead of shedding connections younger than shedGraceMs', () => {
  const counters = newWotCounters();
  const guard = new ConnectionGuard({ maxConnections: 2, headersTimeoutMs: 5000 }, BOARD_CONNECTION_LIMITS, counters);
  expect(guard.limits.shedGraceMs).toBe(1000);
  const closed: string[] = [];
  const admitted: string[] = [];
  const connect = (name: string, now: number) => guard.addOrWait(() => closed.push(name), () => admitted.push(name), now);
  const a = connect('a', 0)!;
  const b = connect('b', 1)!;
  const c = connect('c', 2)!;
  const d = connect('d', 3)!;
  // a and b have had no time to send their requests: c and d wait, and a third in line is refused.
  expect([a.phase, b.phase, c.phase, d.phase]).toEqual([PHASE_HEADERS, PHASE_HEADERS, PHASE_WAITING, PHASE_WAITING]);
  expect(connect('e', 4)).toBeUndefined();
  expect(guard.add(() => closed.push('plain'), 4)).toBeUndefined(); // `add` cannot wait: refused, nothing shed
  expect(closed).toEqual([]);
  expect([guard.size, guard.waitingCount, counters.connectionsWaited, counters.connectionsShed]).toEqual([2, 2, 2, 2]);
  guard.remove(a); // answered and closed
  guard.admitWaiting(5);
  expect([admitted, c.phase, c.since, d.phase]).toEqual([['c'], PHASE_HEADERS, 5, PHASE_WAITING]);
  guard.admitWaiting(1000); // b is 999 ms old: still spared
  expect([closed, admitted]).toEqual([[], ['c']]);
  guard.admitWaiting(1001); // b has had its grace without a request: shed for d
  expect([closed, admitted, d.phase]).toEqual([['b'], ['c', 'd'], PHASE_HEADERS]);
  const f = connect('f', 1002)!;
  expect(f.phase).toBe(PHASE_WAITING);
  guard.remove(f); // its client gave up while waiting
  expect(guard.waitingCount).toBe(0);
  const g = connect('g', 1003)!;
  guard.sweep(1003 + 4999);
  expect([closed, g.phase]).toEqual([['b', 'd', 'c'], PHASE_HEADERS]); // c and d timed out with their headers; g took a place
  guard.sweep(1003 + 4999 + 4999);
  expect(closed).toHaveLength(3); // g's headers timeout counts from its admission
  guard.sweep(1003 + 4999 + 5000);
  expect(closed).toEqual(['b', 'd', 'c', 'g']);
  expect([counters.connectionsTimedOut, counters.connectionsShed, guard.size]).toEqual([3, 3, 0]);
});

test('ConnectionGuard: a waiting connection past the headers timeout is closed without ever being admitted', () => {
  const counters = newWotCounters();
  const guard = new ConnectionGuard({ maxConnections: 1, headersTimeoutMs: 100, shedGraceMs: 1000 }, BOARD_CONNECTION_LIMITS, counters);
  const closed: string[] = [];
  const admitted: string[] = [];
  const a = guard.addOrWait(() => closed.push('a'), () => admitted.push('a'), 0)!;
  guard.enter(a, PHASE_RESPONDING, 1); // a long answer
  const b = guard.addOrWait(() => closed.push('b'), () => admitted.push('b'), 2)!;
  guard.sweep(102);
  expect([closed, admitted, b.phase, guard.waitingCount, counters.connectionsTimedOut]).toEqual([['b'], [], PHASE_WAITING, 0, 1]);
  expect(() => new ConnectionGuard({ shedGraceMs: -1 }, BOARD_CONNECTION_LIMITS, counters)).toThrow(/shedGraceMs/);
});

test('ConnectionGuard: a connection closing once its answer is acknowledged gives up its place at once and is never shed (its buffer would outlive its share of a board\'s budget); the keep-alive timeout bounds its wait', () => {
  const counters = newWotCounters();
  const guard = new ConnectionGuard({ maxConnections: 2, keepAliveTimeoutMs: 2000 }, BOARD_CONNECTION_LIMITS, counters);
  const closed: string[] = [];
  const admitted: string[] = [];
  const connect = (name: string, now: number) => guard.addOrWait(() => closed.push(name), () => admitted.push(name), now)!;
  const a = connect('a', 0);
  const b = connect('b', 1);
  guard.enter(b, PHASE_RESPONDING, 2);
  const c = connect('c', 3);
  expect([c.phase, guard.size, guard.waitingCount]).toEqual([PHASE_WAITING, 2, 1]); // a is still in its headers, younger than its grace
  guard.enter(a, PHASE_CLOSING, 10); // answered, its answer not yet acknowledged: its place is c's
  expect([guard.size, counters.connections]).toEqual([1, 2]); // a holds no place, but its socket is still open
  guard.admitWaiting(11);
  expect([admitted, c.phase, closed]).toEqual([['c'], PHASE_HEADERS, []]);
  guard.enter(c, PHASE_RESPONDING, 12);
  const d = connect('d', 1500);
  guard.admitWaiting(1500);
  expect([closed, d.phase]).toEqual([[], PHASE_WAITING]); // b and c are being answered; a is closing: none to shed
  guard.remove(a); // acknowledged: closed
  expect(counters.connections).toBe(2);
  guard.enter(b, PHASE_CLOSING, 1600); // a client that never acknowledges
  guard.admitWaiting(1600);
  expect([admitted, d.phase]).toEqual([['c', 'd'], PHASE_HEADERS]);
  guard.sweep(1600 + 1999);
  expect(closed).toEqual([]);
  guard.sweep(1600 + 2000);
  expect([closed, counters.connectionsShed, counters.connectionsTimedOut, counters.connections]).toEqual([['b'], 0, 1, 2]);
});

test('nesting depth: text scan ignores brackets in strings; value check stops at the limit', () => {
  expect(jsonTextDeeperThan('"' + '['.repeat(100) + '"', 3)).toBe(false);
  expect(jsonTextDeeperThan('[[["\\"]"]]]', 3)).toBe(false);
  expect(jsonTextDeeperThan('[[[[1]]]]', 3)).toBe(true);
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  expect(jsonValueProblem(cyclic, 32, 'v')).toContain('32 levels');
  expect(jsonValueProblem({ a: [1, { b: 'x' }] }, 3, 'v')).toBeNull();
  expect(jsonValueProblem({ a: [1, { b: {} }] }, 3, 'v')).toContain('deeper than 3');
});

test('ClientOutbound: held values go out oldest name first, a newer value is never overtaken by an older one', () => {
  let buffered = 0;
  const sent: string[] = [];
  const link: OutboundLink = { bufferedBytes: () => buffered, closeSlow: () => sent.push('CLOSED'), nowMs: () => 0 };
  const counters = newWotCounters();
  const out = new ClientOutbound(link, (t) => sent.push(t), new OutboundBudget({ maxBufferedBytes: 10, closeAfterMs: 1000 }), counters);
  buffered = 11;
  out.sendLatest('a', 'a1');
  out.sendLatest('b', 'b1');
  out.sendLatest('a', 'a2');
  out.sendDroppable('event');
  expect(sent).toEqual([]);
  expect(counters).toMatchObject({ coalesced: 3, dropped: 1 });
  buffered = 0;
  out.sendLatest('a', 'a3'); // a2 is superseded, b1 goes first
  expect(sent).toEqual(['b1', 'a3']);
  buffered = 11;
  out.sendLatest('c', 'c1');
  buffered = 0;
  link.drained!();
  expect(sent).toEqual(['b1', 'a3', 'c1']);
});

/**
 * How long a connection or a stream has been in a state is measured on the host's monotonic millisecond count
 * (performance.now() on Node, Time.ticks on a board), never on the wall clock: that one steps (SNTP setting a
 * board's time after its app started, a re-sync, NTP on a Raspberry Pi; on a Pico, Moddable's Date.now() falls back
 * 49.7 days when its millisecond count wraps), and a step back kept idle connections forever, a step forward
 * dropped every open one at once. A board's count wraps at 2^32 ms, so the durations are taken modulo 2^32.
 */
describe('durations on the host\'s monotonic count', () => {
  const WRAP = 2 ** 32;

  test('ConnectionGuard: an idle connection entered just before a 32-bit tick count wraps times out after the wrap', () => {
    const counters = newWotCounters();
    const guard = new ConnectionGuard({ maxConnections: 4, keepAliveTimeoutMs: 2000 }, BOARD_CONNECTION_LIMITS, counters);
    const closed: string[] = [];
    const a = guard.add(() => closed.push('a'), WRAP - 1500)!;
    guard.enter(a, PHASE_IDLE, WRAP - 1000);
    guard.sweep(500); // 1.5 s idle
    expect(closed).toEqual([]);
    guard.sweep(1000); // 2 s idle
    expect(closed).toEqual(['a']);
    expect(counters.connectionsTimedOut).toBe(1);
  });

  test('ConnectionGuard: shedding takes the oldest idle connection by its age, across the wrap', () => {
    const guard = new ConnectionGuard({ maxConnections: 2 }, BOARD_CONNECTION_LIMITS, newWotCounters());
    const closed: string[] = [];
    const old = guard.add(() => closed.push('old'), WRAP - 5000)!;
    guard.enter(old, PHASE_IDLE, WRAP - 4000); // idle 4.1 s at the add below
    const young = guard.add(() => closed.push('young'), 10)!;
    guard.enter(young, PHASE_IDLE, 20);
    expect(guard.add(() => closed.push('new'), 100)).toBeDefined();
    expect(closed).toEqual(['old']);
  });

  test('ClientOutbound: a stream over its budget is closed closeAfterMs after on the link\'s own clock, not the wall clock', () => {
    let buffered = 11;
    let now = 1_000;
    const sent: string[] = [];
    const link: OutboundLink = { bufferedBytes: () => buffered, closeSlow: () => sent.push('CLOSED'), nowMs: () => now };
    const out = new ClientOutbound(link, (t) => sent.push(t), new OutboundBudget({ maxBufferedBytes: 10, closeAfterMs: 1000 }), newWotCounters());
    out.sendLatest('a', 'a1'); // over budget from now
    now += 999;
    out.sendLatest('a', 'a2');
    expect(sent).toEqual([]);
    now += 1;
    out.sendLatest('a', 'a3');
    expect(sent).toEqual(['CLOSED']);
  });
});
