import { indexIn, withInserted, withRemoved } from '../../../runtime/core/list-copy';

describe('copy-on-write list edits', () => {
  const list = Object.freeze(['a', 'b', 'c']);

  test('withInserted puts the item at the index, first, or last, and leaves the original alone', () => {
    expect(withInserted(list, 1, 'x')).toEqual(['a', 'x', 'b', 'c']);
    expect(withInserted(list, 0, 'x')).toEqual(['x', 'a', 'b', 'c']);
    expect(withInserted(list, list.length, 'x')).toEqual(['a', 'b', 'c', 'x']);
    expect(withInserted([], 0, 'x')).toEqual(['x']);
    expect(list).toEqual(['a', 'b', 'c']);
  });

  test('withRemoved drops the item at the index only, and leaves the original alone', () => {
    expect(withRemoved(list, 0)).toEqual(['b', 'c']);
    expect(withRemoved(list, 2)).toEqual(['a', 'b']);
    expect(withRemoved(['a', 'a'], 1)).toEqual(['a']);
    expect(withRemoved(['a'], 0)).toEqual([]);
    expect(list).toEqual(['a', 'b', 'c']);
  });

  test('indexIn finds the first item by identity, as indexOf does', () => {
    const a = { id: 1 };
    const b = { id: 1 };
    expect(indexIn([a, b, a], a)).toBe(0);
    expect(indexIn([a, b], b)).toBe(1);
    expect(indexIn([a], { id: 1 })).toBe(-1);
    expect(indexIn([], a)).toBe(-1);
    expect(indexIn([NaN], NaN)).toBe(-1);
    expect(indexIn(['low', 'medium'], 'medium')).toBe(1);
  });

  test('a loop over the old list is not disturbed by an edit made during it', () => {
    let current: readonly string[] = list;
    const seen: string[] = [];
    const walked = current;
    for (let i = 0; i < walked.length; i++) {
      seen.push(walked[i]);
      if (walked[i] === 'a') current = withRemoved(current, current.indexOf('b'));
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(current).toEqual(['a', 'c']);
  });
});
