/**
 * The JavaScript profiler's bookkeeping (js-profiler.ts), without firmware:
 * the host tells it every flash read and every executed instruction; cycles go
 * to the function whose code was read last, split between the interpreter and
 * the C it calls. On real firmware: pc-profiler.test.ts.
 */
import { JsProfiler } from './js-profiler';

const INTERPRETER = { start: 0x20000000, end: 0x20001000 };
const IN_INTERPRETER = 0x20000010;
const IN_C = 0x10001000; // a property lookup, say
const code = {
  modules: [{ name: 'main: (module code)', start: 0x10030000, end: 0x10030100 }],
  functions: [
    { name: 'filters/map: onNext', start: 0x10030040, end: 0x10030060 },
    { name: 'sensors/led: onNext', start: 0x10030200, end: 0x10030280 },
  ],
};

function rows(p: JsProfiler, from: number, to: number): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const r of p.between(from, to)) out[r.name] = [r.cycles, r.calls];
  return out;
}

test('cycles go to the function whose bytecode was read last, the interpreter\'s apart from the C it calls', () => {
  const p = new JsProfiler(code, INTERPRETER);
  let cycles = 0;
  const run = (pc: number, n: number) => { p.count(pc, n); cycles += n; };
  p.mark(cycles);
  run(IN_C, 5); // woken: the timer's interrupt, before any bytecode
  p.flashRead(0x10030040); // map's first byte: a call
  run(IN_INTERPRETER, 10);
  p.flashRead(0x10030041); // its next byte: the same call
  run(IN_C, 7);
  p.flashRead(0x10030200); // the LED's onNext
  run(IN_INTERPRETER, 3);
  p.flashRead(0x10030010); // back in the module's code, outside any preloaded function
  run(IN_INTERPRETER, 4);
  p.flashRead(0x10030100); // a read past every range (a heap slot): no change
  run(IN_C, 2);
  p.mark(cycles);
  expect(rows(p, 0, cycles)).toEqual({
    '(woken, before JavaScript) → C': [5, 0],
    'filters/map: onNext': [10, 1],
    'filters/map: onNext → C': [7, 0],
    'sensors/led: onNext': [3, 1],
    'main: (module code)': [4, 0],
    'main: (module code) → C': [2, 0],
  });
});

test('after the core sleeps, what runs before the next bytecode read is the wake\'s, not the last function\'s', () => {
  const p = new JsProfiler(code, INTERPRETER);
  p.mark(0);
  p.flashRead(0x10030200);
  p.count(IN_INTERPRETER, 8);
  p.sleep();
  p.count(IN_C, 6);
  p.count(IN_INTERPRETER, 1); // a closure copied to RAM: the interpreter runs, no flash read
  p.mark(15);
  expect(rows(p, 0, 15)).toEqual({
    'sensors/led: onNext': [8, 1],
    '(woken, before JavaScript) → C': [6, 0],
    '(woken, before JavaScript)': [1, 0],
  });
  expect(rows(p, 15, 15)).toEqual({});
});
