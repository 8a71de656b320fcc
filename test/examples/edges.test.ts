/** The examples docs/edges.md teaches from must keep running and printing what the chapter says. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
function run(example: string): string[] {
  const out = execFileSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'examples', example)], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return out.trim().split('\n');
}

describe('examples/edges-*', () => {
  test('edges-record-replay: the app replayed from its recording switches the LED as the live run did', () => {
    const lines = run('edges-record-replay.ts');
    const led = (prefix: string) => lines.find((l) => l.startsWith(prefix))!.replace(/^.*LED /, '');
    expect(led('live (seed 1)')).toBe('12.00h off, 20.12h on');
    expect(led('replayed (seed 7)')).toBe(led('live (seed 1)'));
    expect(led('live (seed 7)')).not.toBe(led('live (seed 1)'));
    expect(lines[lines.length - 1]).toMatch(/^replayed 864 events in \d+ wakes; darkest: [\d.]+ lux at \d\d:\d\d UTC$/);
  }, 120_000);

  test('edges-store: a day in batched transactions, an hour read back', () => {
    expect(run('edges-store.ts')).toEqual(['written 1440 events in 8 transactions', '12:00-13:00: 60 readings, mean 19801 lux']);
  });

  test('edges-async: posts retried past a busy service, replies in order, flushed at the end', () => {
    expect(run('edges-async.ts')).toEqual([
      'flow finished; 2 requests in flight, 5 held',
      'stored 1', 'stored 2', 'stored 3', 'stored 4', 'stored 5',
      'flushed',
      'completed 5, retried 2, failed 0, dropped 0',
    ]);
  });

  test('edges-button: three bouncing presses, three events, the LED toggled three times', () => {
    expect(run('edges-button.ts')).toEqual([
      'press at 1000 ms', 'press at 2500 ms', 'press at 4000 ms',
      '3 presses, 48 bounces ignored',
      'LED: on at 1000 ms, off at 2500 ms, on at 4000 ms',
    ]);
  });
});
