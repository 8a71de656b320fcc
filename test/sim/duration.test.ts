import { formatDuration, parseDuration } from '../../sim/duration';

describe('formatDuration', () => {
  test('whole seconds as before: 2m00s, 1h02m05s, 0s', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(7_000)).toBe('7s');
    expect(formatDuration(120_000)).toBe('2m00s');
    expect(formatDuration(3_725_000)).toBe('1h02m05s');
  });

  test('a measured time is not floored: an LED high for 1,999.7 ms of a 2 s run was high for 2s, not 1s', () => {
    expect(formatDuration(1_999.7)).toBe('2s');
    expect(formatDuration(59_999.6)).toBe('1m00s');
  });

  test('a part of a second is kept to the millisecond, so 1500ms and 1200ms do not both read 1s', () => {
    expect(formatDuration(1_500)).toBe('1.5s');
    expect(formatDuration(1_200)).toBe('1.2s');
    expect(formatDuration(250)).toBe('0.25s');
    expect(formatDuration(61_250)).toBe('1m01.25s');
    expect(formatDuration(3_600_001)).toBe('1h00m00.001s');
    expect(formatDuration(0.4)).toBe('0s');
  });

  test('what it prints reads back as the same duration', () => {
    for (const ms of [0, 1, 999, 1_000, 1_500, 61_250, 3_725_000, 3_600_001, 86_399_999]) expect(parseDuration(formatDuration(ms))).toBeCloseTo(ms, 6);
  });
});
