/**
 * What single JavaScript constructs cost on XS, in computrons per call
 * (xsnap counts executed bytecodes): the reference for reading the per-stage
 * figures of bench/xs-footprint.mjs. Each variant is one stage in front of
 * the same sink; "none" is the sink alone. Run: node bench/xs/construct-costs.mjs
 */
import { startXsWorker } from '../../test/xs/xsnap-worker.mjs';

const xs = await startXsWorker({ name: 'construct-costs' });
await xs.evaluate(`
class Sink { constructor(){this.c=0} onNext(x){ this.c++; } }
const sink = new Sink();
class Direct { constructor(n){this.next=n} onNext(x){ this.next.onNext(x); } }
class Hop { constructor(n){this.sole=n} onNext(x){ this.d(x); } d(x) { this.sole.onNext(x); } }
class Hop2 { constructor(n){this.sole=n} onNext(x){ this.d(x); } d(x, port) { this.sole.onNext(x); } }
class HopCheck { constructor(n){this.sole=n} onNext(x){ this.d(x); } d(x, port) { const sole = this.sole; if (sole !== undefined && port === undefined) { sole.onNext(x); return; } } }
class HopCheckSlow { constructor(n){this.sole=n} onNext(x){ this.d(x); } d(x, port) { const sole = this.sole; if (sole !== undefined && port === undefined) { sole.onNext(x); return; }
  const list = port === void 0 || port === 'default' ? this.defaultConnections : this.portTable[port];
  if (list === void 0) this.throwBadPort(port ?? 'default');
  for (let i = 0; i < list.length; i++) { const c = list[i]; try { if (c.direct) c.target.onNext(x); else c.target[c.nextName](x); } catch (e) { this.failConnection(port ?? 'default', c, e); } } } }
class HopSplit { constructor(n){this.sole=n} onNext(x){ this.d(x); } d(x, port) { const sole = this.sole; if (sole !== undefined && port === undefined) { sole.onNext(x); return; } this.slow(x, port); } }
class Fn { constructor(n){this.next=n; this.fn=(v)=>v} onNext(x){ this.next.onNext(this.fn(x)); } }
class FnConst { constructor(n){this.next=n; this.fn=(v)=>v} onNext(x){ const y = this.fn(x); this.next.onNext(y); } }
class FnNull { constructor(n){this.next=n; this.fn=(v)=>v} onNext(x){ const y = this.fn(x); if (y != null) this.next.onNext(y); } }
class FnNull2 { constructor(n){this.next=n; this.fn=(v)=>v} onNext(x){ const y = this.fn(x); if (y !== undefined && y !== null) this.next.onNext(y); } }
class FnTry { constructor(n){this.next=n; this.fn=(v)=>v} onNext(x){ let y; try { y = this.fn(x); } catch (e) { this.fail(e); return; } this.next.onNext(y); } }
class TryOnly { constructor(n){this.next=n} onNext(x){ try { this.next.onNext(x); } catch (e) { this.fail(e); } } }
class TryEmpty { constructor(n){this.next=n} onNext(x){ try { } catch (e) { } this.next.onNext(x); } }
class Cursor { constructor(n){this.next=n} onNext(x){ const s = cur; cur = this; this.next.onNext(x); cur = s; } }
class LoopTry { constructor(n){this.list=[{target:n, direct:true}]} onNext(x){ const list=this.list; for (let i=0;i<list.length;i++){ const c=list[i]; try { if (c.direct) c.target.onNext(x); else c.target[c.n](x); } catch(e) { this.fail(e) } } } }
let cur;
globalThis.variants = { none: sink, Direct: new Direct(sink), Hop: new Hop(sink), Hop2: new Hop2(sink), HopCheck: new HopCheck(sink), HopCheckSlow: new HopCheckSlow(sink), HopSplit: new HopSplit(sink), Fn: new Fn(sink), FnConst: new FnConst(sink), FnNull: new FnNull(sink), FnNull2: new FnNull2(sink), FnTry: new FnTry(sink), TryOnly: new TryOnly(sink), TryEmpty: new TryEmpty(sink), Cursor: new Cursor(sink), LoopTry: new LoopTry(sink) };
globalThis.bench = function (name, n) { const v = variants[name]; for (let i = 0; i < n; i++) v.onNext(i); };
`);
const ROWS = [
  ['none', 'the driver loop calling the sink directly'],
  ['Direct', 'a stage: this.next.onNext(x)'],
  ['Hop', 'a stage calling its own method, which calls next'],
  ['Hop2', 'same, the method declares an unused second parameter'],
  ['HopCheck', 'same, plus `const sole = this.sole; if (sole !== undefined && port === undefined)`'],
  ['HopCheckSlow', 'same, plus the general loop below it (not taken)'],
  ['Fn', 'a map stage: this.next.onNext(this.fn(x))'],
  ['FnConst', 'map with `const y = this.fn(x)`'],
  ['FnNull', 'map dropping null with `y != null`'],
  ['FnNull2', 'map dropping null with `y !== undefined && y !== null`'],
  ['FnTry', 'map with a try around fn'],
  ['TryOnly', 'a stage with try { this.next.onNext(x) } catch'],
  ['TryEmpty', 'an empty try block, then the call'],
  ['Cursor', 'a stage saving/restoring a module variable around the call'],
  ['LoopTry', 'a stage looping over a 1-element connection list with a try per connection'],
];
console.log('| variant | what it does | computrons per event | above the sink alone |');
console.log('| --- | --- | ---: | ---: |');
let base;
for (const [name, what] of ROWS) {
  const a = await xs.evaluate(`bench('${name}', 0)`);
  const b = await xs.evaluate(`bench('${name}', 1000)`);
  const c = (b.computrons - a.computrons) / 1000;
  if (base === undefined) base = c;
  console.log(`| ${name} | ${what} | ${c} | ${c - base} |`);
}
await xs.close();
