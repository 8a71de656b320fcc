/**
 * The portable parts of the WoT bounds, without a network: the connection guard's shedding order and
 * timeouts, the nesting-depth checks, and the order in which a slow client's held values go out.
 */
import { ConnectionGuard, NODE_CONNECTION_LIMITS, PHASE_BODY, PHASE_IDLE, PHASE_RESPONDING, PHASE_STREAM } from '../../../runtime/wot/connection-guard';
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
  const link: OutboundLink = { bufferedBytes: () => buffered, closeSlow: () => sent.push('CLOSED') };
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
