/**
 * What the CLI refuses (issue 12's table, issue 16 item 8): each row is the
 * command line a user typed, spawned as `npm start` runs it; each answer is one
 * clear message on stderr, exit code 2, and no run (nothing on stdout).
 */
import { runCli } from './cli-process';

const DEMO = 'examples/lux-demo.ts';

describe('thingflow-xs sim refuses what it cannot run, with exit code 2', () => {
  const rows: [string, string[], RegExp][] = [
    ['a misspelt flag', [DEMO, '--durration', '1h'], /^thingflow-xs: unknown option '--durration' \(did you mean --duration\?\)$/m],
    ['an unknown flag with a value attached', [DEMO, '--colour=red'], /^thingflow-xs: unknown option '--colour'$/m],
    ['--wot-port with no value (last)', [DEMO, '--wot-port'], /^thingflow-xs: --wot-port needs a value$/m],
    ['--wot-port with no value (before another flag)', [DEMO, '--wot-port', '--quiet'], /^thingflow-xs: --wot-port needs a value/m],
    ['--wot-port abc', [DEMO, '--wot-port', 'abc'], /--wot-port takes a port number from 0 to 65535 \(0: any free port\), got 'abc'/],
    ['--wot-port 70000', [DEMO, '--wot-port', '70000'], /got '70000'/],
    ['a flag that takes no value', [DEMO, '--quiet=yes'], /--quiet takes no value/],
    ['a missing app file', ['examples/no-such-app.ts'], /^thingflow-xs: no such file: examples\/no-such-app\.ts$/m],
    ['a directory for an app', ['examples'], /^thingflow-xs: no such file: examples$/m],
    ['two apps', [DEMO, DEMO], /unexpected argument/],
    ['--duration without a unit', [DEMO, '--duration', '90'], /--duration: duration '90' has no unit: write 90s, 90m, 90h or 90d/],
    ['--duration 0s', [DEMO, '--duration', '0s'], /the duration must be longer than 0/],
    ['--duration 1000000d', [DEMO, '--duration', '1000000d'], /a duration of 2700 years is longer than the longest run, 31 days/],
    ['--duration 32d', [DEMO, '--duration', '32d'], /a duration of 32 days is longer than the longest run, 31 days/],
    ['--press without a unit', [DEMO, '--press', '1s,3'], /^thingflow-xs: --press: duration '3' has no unit: write 3s, 3m, 3h or 3d$/m],
    ['--press at the end of the run', [DEMO, '--duration', '10s', '--press', '10s'], /^thingflow-xs: --press 10s: the press \(held 150 ms\) must end before the run does \(10s\)$/m],
    ['--speed 1e-300', [DEMO, '--speed', '1e-300'], /the speed must be from 0\.01 to 1000000 simulated seconds per real second \(or max\), got 1e-300/],
    ['--speed 0', [DEMO, '--speed', '0'], /the speed must be from 0\.01/],
    ['--speed fast', [DEMO, '--speed', 'fast'], /--speed takes a number from 0\.01 to 1000000, or max; got 'fast'/],
    ['a paced run that would outlast the bound', [DEMO, '--speed', '0.5', '--duration', '31d'], /31 days at speed 0\.5 would take about 62 days of real time; a run lasts at most 31 days/],
    ['--speed with --realtime', [DEMO, '--speed', '10', '--realtime'], /--speed and --realtime contradict each other/],
    ['--plot with --no-plot', [DEMO, '--plot', 'a.svg', '--no-plot'], /--plot and --no-plot contradict each other/],
    ['--start 25:00', [DEMO, '--start', '25:00'], /--start takes HH:MM \(00:00 to 23:59\), got '25:00'/],
    ['--seed 1.5', [DEMO, '--seed', '1.5'], /--seed takes a whole number from 0 to 4294967295, got '1\.5'/],
    ['--seed 2^32', [DEMO, '--seed', '4294967296'], /got '4294967296'/],
    ['a fault after the end of the run', [DEMO, '--fault', 'tmp102:nack@25h'], /--fault: fault 'tmp102:nack@25h' starts at 25h00m00s, when the run \(24h00m00s\) is over: it would never strike/],
    ['a fault window that ends before it starts', [DEMO, '--fault', 'tmp102:nack@7h-6h'], /fault window in 'tmp102:nack@7h-6h' ends before it starts \(7h00m00s to 6h00m00s\)/],
    ['an empty fault window', [DEMO, '--fault', 'tmp102:nack@6h+0s'], /fault window in 'tmp102:nack@6h\+0s' is empty/],
    ['a fault window with no start', [DEMO, '--fault', 'tmp102:nack@-7h'], /bad fault window '@-7h' in 'tmp102:nack@-7h': a time is missing/],
    ['a fault time without a unit', [DEMO, '--fault', 'tmp102:nack@6-7'], /duration '6' has no unit/],
    ['a fault chance with no value', [DEMO, '--fault', 'tmp102:nack,p='], /fault parameter 'p' has no value in 'tmp102:nack,p=' \(e\.g\. p=0\.5\)/],
    ['a fault window that is a parameter', [DEMO, '--fault', 'tmp102:nack@p='], /bad fault window '@p=' in 'tmp102:nack@p=': bad duration 'p=' .*\(p=<chance> and x=<size> go after a comma: tmp102:nack,p=0\.5\)/],
    ['a fault on a device that is not on the bus', [DEMO, '--fault', 'sht31:nack'], /no device 'sht31' on the bus.*attached: .*tmp102 \(0x48\)/],
    ['--mqtt with another scheme', [DEMO, '--mqtt', 'http://broker.example'], /--mqtt takes embedded or mqtt:\/\/host\[:port\], got 'http:\/\/broker\.example': http:\/\/ is not supported/],
    ['--mqtt with a path', [DEMO, '--mqtt', 'mqtt://host/x'], /a broker URL has no path/],
    ['--option without a name', [DEMO, '--option', '=1'], /--option takes <name>=<value>, got '=1'/],
  ];

  test.each(rows)('%s', (_name, args, message) => {
    const r = runCli(args);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/^\s+at /m); // a message, never a stack
    expect(r.err.trim().split('\n')).toHaveLength(2); // the message and where to find the options
    expect(r.out).toBe('');
    expect(r.code).toBe(2);
  });
});
