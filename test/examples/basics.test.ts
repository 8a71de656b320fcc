/** The examples docs/model.md teaches from must keep running and printing what the docs say. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
function run(example: string): string[] {
  const out = execFileSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'examples', example)], { cwd: root, encoding: 'utf8' });
  return out.trim().split('\n');
}

describe('examples/basics-*', () => {
  test('basics-lux: the mission example switches the LED as the evening darkens', () => {
    expect(run('basics-lux.ts')).toEqual([
      '0 min: LED off',
      '8 min: LED on',
      '9 min: LED off', // headlights push the 5-sample average over the threshold
      '12 min: LED on',
      'sensor stream completed',
      '14 wakes; scheduler running: false',
    ]);
  });

  test('basics-ports: dispatch routes by rule; a failing branch does not stop the others', () => {
    expect(run('basics-ports.ts')).toEqual(['ok: 21', 'hot: 35', 'cold: 4', 'ok-branch failed: cannot log 22', 'hot: 38']);
  });

  test('basics-scheduler: related intervals share wakes and the scheduler stops by itself', () => {
    const lines = run('basics-scheduler.ts');
    expect(lines.filter((l) => l.startsWith('wake'))).toEqual(['wake at 2 s', 'wake at 4 s', 'wake at 6 s', 'wake at 8 s']);
    expect(lines.slice(0, 3)).toEqual(['run', '  sampled a1', '  sampled b1']);
    expect(lines[lines.length - 1]).toBe('done after 4 wakes; scheduler running: false');
  });
});
