/**
 * The scheduler on a VirtualClock, on Node and on a real XS machine: the wake
 * traces must be identical, and they must show the scheduler's rules.
 */
import { join } from 'node:path';
import { scenarios } from '../scenarios/scheduler';
import { runOnNode, runOnXs, type ScenarioOutput } from './xs-scenarios';

const FILE = join(__dirname, '../scenarios/scheduler.ts');
const names = Object.keys(scenarios);
let xs: ScenarioOutput;

// One child process runs every scenario in fresh XS machines; generous time for a loaded CI box.
beforeAll(() => {
  xs = runOnXs(FILE, names);
}, 180_000);

describe('scheduler scenarios: XS wake traces equal Node\'s', () => {
  test.each(names)('%s', (name) => {
    const node = runOnNode(scenarios, name);
    expect(node.length).toBeGreaterThan(0);
    expect(node.some((l) => l.startsWith('THREW'))).toBe(false);
    expect(xs[name]).toEqual(node);
  });
});

describe('scheduler rules, read from the XS trace', () => {
  test('related intervals share wakes: one wake per second for 1 s, 2 s and 4 s tasks', () => {
    const lines = xs['related intervals share wakes; first sample at run()'];
    expect(lines.slice(0, 5)).toEqual(['run', '  sample a #1', '  sample b #1', '  sample c #1', '  sleep 1000']);
    expect(lines).toContain('wakes 8 scheduler wakeCount 8');
    const at4 = lines.indexOf('wake at 4000 (tick 4000)');
    expect(lines.slice(at4 + 1, at4 + 4)).toEqual(['  sample a #5', '  sample b #3', '  sample c #2']);
  });

  test('late wakes keep the grid: each sleep is shortened by the lateness', () => {
    const lines = xs['late wakes do not drift; a wake later than an interval skips deadlines'];
    expect(lines).toContain('wake at 1300 (tick 1300)');
    expect(lines).toContain('  sleep 700');
  });

  test('a repeating alarm is armed once for 60 s and 300 s tasks, and again after a timer came and went', () => {
    const lines = xs['a repeating alarm (wakeEvery): armed once for a steady rhythm, one-shot wakes while a timer is armed'];
    expect(lines.filter((l) => l.includes('wakeEvery'))).toEqual(['  wakeEvery 60000 then 60000', '  wakeEvery 10000 then 60000']);
    expect(lines.filter((l) => l.includes('sleep'))).toEqual(['  sleep 15000', '  sleep 45000']);
    const at300 = lines.indexOf('wake at 300000');
    expect(lines.slice(at300 + 1, at300 + 3)).toEqual(['  sample minute #6', '  sample five #2']);
    expect(lines[lines.indexOf('wake at 375000') + 1]).toBe('  timer fired');
    expect(lines[lines.length - 1]).toBe('wakes 10 scheduler wakeCount 10 missed 0');
  });

  test('a day of lux samples is 1440 wakes', () => {
    const lines = xs['a day of the lux sensor: one wake per minute, 1440 wakes'];
    expect(lines[lines.length - 1]).toMatch(/^wakes 1439 switches \d+$/);
  });
});
