import { OutboundBudget, OUTBOUND_CLOSE, OUTBOUND_HOLD, OUTBOUND_SEND } from '../../../runtime/outbound/outbound-budget';

describe('OutboundBudget', () => {
  it('sends under the budget, holds over it, closes a stream that stays over for closeAfterMs', () => {
    const b = new OutboundBudget({ maxBufferedBytes: 100, closeAfterMs: 1000 });
    expect(b.admit(0, 0)).toBe(OUTBOUND_SEND);
    expect(b.admit(100, 10)).toBe(OUTBOUND_SEND);
    expect(b.admit(101, 20)).toBe(OUTBOUND_HOLD);
    expect(b.over).toBe(true);
    expect(b.admit(5000, 1019)).toBe(OUTBOUND_HOLD);
    expect(b.admit(5000, 1020)).toBe(OUTBOUND_CLOSE);
    expect(b.held).toBe(3);
  });

  it('a stream that drains below the budget starts its over-budget time afresh', () => {
    const b = new OutboundBudget({ maxBufferedBytes: 100, closeAfterMs: 1000 });
    expect(b.admit(200, 0)).toBe(OUTBOUND_HOLD);
    expect(b.admit(50, 900)).toBe(OUTBOUND_SEND);
    expect(b.admit(200, 1500)).toBe(OUTBOUND_HOLD);
    expect(b.admit(200, 2499)).toBe(OUTBOUND_HOLD);
    expect(b.admit(200, 2500)).toBe(OUTBOUND_CLOSE);
  });

  it('measures time across a 32-bit tick wrap', () => {
    const b = new OutboundBudget({ maxBufferedBytes: 1, closeAfterMs: 1000 });
    expect(b.admit(2, 0xffffff00)).toBe(OUTBOUND_HOLD);
    expect(b.admit(2, 0x100)).toBe(OUTBOUND_HOLD); // 512 ms later, after the wrap
    expect(b.admit(2, 0x2e8)).toBe(OUTBOUND_CLOSE); // 1000 ms later
  });

  it('refuses a budget that is not a positive integer', () => {
    expect(() => new OutboundBudget({ maxBufferedBytes: 0 })).toThrow(/maxBufferedBytes/);
    expect(() => new OutboundBudget({ closeAfterMs: -1 })).toThrow(/closeAfterMs/);
  });
});
