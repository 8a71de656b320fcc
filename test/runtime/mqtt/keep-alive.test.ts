/** Keep-alive arithmetic: when to ping, and that a silent broker is declared dead within 1.5 x keep-alive. */
import { KEEPALIVE_DEAD, KEEPALIVE_OK, KEEPALIVE_PING, KeepAliveMonitor } from '../../../runtime/mqtt/client/keep-alive';

test('an idle connection pings after one keep-alive and is alive when answered', () => {
  const m = new KeepAliveMonitor(10_000);
  m.start(0);
  expect(m.nextCheckAt).toBe(10_000);
  expect(m.check(9_999)).toBe(KEEPALIVE_OK);
  expect(m.check(10_000)).toBe(KEEPALIVE_PING);
  m.sent(10_000);
  expect(m.nextCheckAt).toBe(15_000);
  m.received(10_020); // PINGRESP
  expect(m.check(10_020)).toBe(KEEPALIVE_OK);
  expect(m.nextCheckAt).toBe(20_000);
});

test('a broker that stops answering is declared dead exactly 1.5 x keep-alive after its last packet', () => {
  const m = new KeepAliveMonitor(2_000);
  m.start(0);
  m.received(500);
  // The client keeps publishing (sending) but hears nothing.
  const pings: number[] = [];
  for (let t = 600; t < 3_500; t += 100) {
    m.sent(t);
    const a = m.check(t);
    if (a === KEEPALIVE_PING) pings.push(t);
    expect(a).not.toBe(KEEPALIVE_DEAD);
  }
  // One probe, sent because nothing was heard for one keep-alive (sending alone does not count).
  expect(pings).toEqual([2_500]);
  expect(m.nextCheckAt).toBe(3_500);
  expect(m.check(3_500)).toBe(KEEPALIVE_DEAD);
});

test('the dead deadline never exceeds 1.5 x keep-alive after the last packet, whatever the traffic', () => {
  // Walk the timer the way the client does: wake at nextCheckAt, act, re-arm.
  for (const k of [1_000, 5_000, 60_000]) {
    const m = new KeepAliveMonitor(k);
    m.start(0);
    const lastHeard = 123;
    m.received(lastHeard);
    let now = lastHeard;
    let action = KEEPALIVE_OK as number;
    for (let i = 0; i < 10 && action !== KEEPALIVE_DEAD; i++) {
      now = m.nextCheckAt;
      action = m.check(now);
      if (action === KEEPALIVE_PING) m.sent(now);
    }
    expect(action).toBe(KEEPALIVE_DEAD);
    expect(now - lastHeard).toBe(1.5 * k);
  }
});
