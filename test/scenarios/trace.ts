/**
 * Tracing scenarios (runtime/trace): run on Node and on XS by test/xs/trace.test.ts.
 * Things are labelled, so no line depends on how a bundler names classes.
 */
import type { Out, ScenarioTable } from './scenario';

function sink(name: string, out: Out) {
  return {
    onNext(x: unknown) { out(`${name} next ${JSON.stringify(x)}`); },
    onCompleted() { out(`${name} completed`); },
    onError(e: any) { out(`${name} error ${e && e.message}`); },
  };
}

export const scenarios: ScenarioTable = {
  'a traced flow counts each connection and passes every event on': (tf, out) => {
    const src = new tf.OutputThing<number>();
    const doubled = src.map((x: number) => x * 2);
    const led = sink('led', out);
    doubled.connect(led);
    let now = 0;
    const trace = new tf.FlowTrace({ now: () => now });
    trace.label(src, 'src').label(doubled, 'double').label(led, 'led');
    out(`traced ${trace.traceGraph(src)} connections`);
    for (const x of [1, 2.5, 3]) { now += 1000; src.dispatchNext(x); }
    out(JSON.stringify(trace.graph()));
    trace.stop();
    src.dispatchNext(4);
    out(`after stop: ${JSON.stringify(trace.graph())}`);
  },

  'an error and a completion show on their connections': (tf, out) => {
    tf.setErrorReporter(() => {});
    const src = new tf.OutputThing<number>();
    const picky = src.map((x: number) => { if (x > 1) throw new Error('too big'); return x; });
    const a = sink('a', out);
    const b = sink('b', out);
    picky.connect(a);
    src.connect(b);
    const trace = new tf.FlowTrace();
    trace.label(src, 'src').label(picky, 'picky').label(a, 'a').label(b, 'b');
    trace.traceGraph(src);
    src.dispatchNext(1);
    src.dispatchNext(2);
    src.dispatchCompleted();
    for (const e of trace.graph().edges) out(JSON.stringify(e));
    out(JSON.stringify(trace.graph().nodes));
  },

  'the trace printer prints each event as it crosses': (tf, out) => {
    const printer = new tf.TracePrinter(out);
    const trace = new tf.FlowTrace({ now: () => 1500, listener: printer });
    printer.names = trace;
    const src = new tf.OutputThing<unknown>();
    const end = sink('end', out);
    src.connect(end);
    trace.label(src, 'sensor').label(end, 'end').traceThing(src);
    src.dispatchNext({ sensorId: 'lux', ts: 1, val: 12.3456 });
    src.dispatchError(new Error('bus hung'));
  },
};
