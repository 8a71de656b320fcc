import { OutputThing } from '../../../runtime/core/output-thing';
import { setErrorReporter } from '../../../runtime/core/report-error';
import { FlowTrace, TracePrinter, describeValue } from '../../../runtime/trace/index';
import { Recorder } from '../../support/recorder';

/** An input thing with a second input port named `right`. */
class TwoPortSink extends Recorder<number> {
  readonly right = new Recorder<number>();
  onRightNext(x: number): void { this.right.onNext(x); }
  onRightCompleted(): void { this.right.onCompleted(); }
  onRightError(e: unknown): void { this.right.onError(e); }
}

/** `src → map(x*2) → sink`, plus a second sink straight off the source (a fan-out). */
function smallFlow() {
  const src = new OutputThing<number>();
  const doubled = (src as any).map((x: number) => x * 2) as OutputThing<number>;
  const sink = new Recorder<number>();
  const side = new Recorder<number>();
  doubled.connect(sink);
  src.connect(side);
  return { src, doubled, sink, side };
}

describe('FlowTrace: what crosses each connection', () => {
  test('traceGraph taps every reachable connection: counts, last values, time stamps, node kinds and names', () => {
    const { src, doubled, sink, side } = smallFlow();
    let now = 1000;
    const trace = new FlowTrace({ now: () => now });
    trace.label(src, 'numbers');
    expect(trace.traceGraph(src)).toBe(3);
    for (const x of [1, 2, 3]) {
      now += 500;
      src.dispatchNext(x);
    }
    expect(sink.values).toEqual([2, 4, 6]);
    expect(side.values).toEqual([1, 2, 3]);
    const g = trace.graph();
    expect(g.nodes.map((n) => [n.name, n.kind])).toEqual([['numbers', 'source'], ['MapFilter', 'filter'], ['Recorder', 'sink'], ['Recorder', 'sink']]);
    // Ids follow discovery: the source, then its connections in order, then the next thing down.
    const ids = new Map<object, number>([[src, 0], [doubled, 1], [side, 2], [sink, 3]]);
    const edge = (from: object, to: object) => g.edges.find((e) => e.from === ids.get(from) && e.to === ids.get(to))!;
    expect(edge(src, doubled)).toMatchObject({ count: 3, last: '3', lastAtMs: 2500, state: 'open', port: 'default', inPort: 'default' });
    expect(edge(doubled, sink)).toMatchObject({ count: 3, last: '6', state: 'open' });
    expect(edge(src, side)).toMatchObject({ count: 3, last: '3' });
    expect(JSON.parse(JSON.stringify(g))).toEqual(g); // JSON-ready
  });

  test('stop() takes every tap out: the filter emits straight to its input thing again, nothing more is counted', () => {
    const { src, doubled, sink } = smallFlow();
    const trace = new FlowTrace();
    trace.traceGraph(src);
    const tap = trace.connections.find((t) => t.to === sink)!;
    expect((doubled as any).out).toBe(tap); // the tap sits in the filter's emit path only while tracing
    src.dispatchNext(1);
    trace.stop();
    expect((doubled as any).out).toBe(sink);
    src.dispatchNext(2);
    expect(sink.values).toEqual([2, 4]);
    expect(tap.count).toBe(1);
    expect(trace.graph()).toEqual({ nodes: [], edges: [] });
  });

  test('a named input port is traced and still receives on its own methods', () => {
    const src = new OutputThing<number>();
    const joiner = new TwoPortSink();
    src.connect(joiner, { portMapping: ['default', 'right'] });
    const trace = new FlowTrace();
    expect(trace.traceThing(src)).toBe(1);
    src.dispatchNext(7);
    src.dispatchCompleted();
    expect(joiner.right.values).toEqual([7]);
    expect(joiner.right.completed).toBe(true);
    expect(joiner.values).toEqual([]);
    expect(trace.graph().edges[0]).toMatchObject({ inPort: 'right', count: 1, state: 'completed' });
    expect(trace.graph().nodes[0].closed).toBe(true);
  });

  test('a downstream error is isolated as without tracing, and the edge shows it; the sibling carries on', () => {
    const reported: unknown[] = [];
    setErrorReporter((_m, e) => reported.push(e));
    try {
      const src = new OutputThing<number>();
      const bad = (src as any).map((x: number) => { if (x > 1) throw new Error('too big'); return x; }) as OutputThing<number>;
      const after = new Recorder<number>();
      bad.connect(after);
      const side = new Recorder<number>();
      src.connect(side);
      const trace = new FlowTrace();
      trace.traceGraph(src);
      src.dispatchNext(1);
      src.dispatchNext(2);
      src.dispatchNext(3);
      expect(after.values).toEqual([1]);
      expect((after.error as Error).message).toBe('too big');
      expect(side.values).toEqual([1, 2, 3]);
      const g = trace.graph();
      const mapId = g.nodes.findIndex((n) => n.name === 'MapFilter');
      // The event that failed crossed into the map (count 2); the error ended both edges of that branch.
      expect(g.edges.find((e) => e.to === mapId)).toMatchObject({ state: 'error', count: 2, errors: 1, error: 'Error: too big' });
      expect(g.edges.find((e) => e.from === mapId)).toMatchObject({ state: 'error', count: 1, errors: 1, error: 'Error: too big' });
      expect(g.edges.find((e) => e.from === 0 && e.to !== mapId)).toMatchObject({ state: 'open', count: 3 }); // the sibling
    } finally {
      setErrorReporter(undefined as any);
    }
  });

  test('traceConnection observes one connection only; refresh() picks up connections made later', () => {
    const { src, doubled, sink, side } = smallFlow();
    const trace = new FlowTrace();
    expect(trace.traceConnection(src, side)).toBe(1);
    expect(trace.traceConnection(src, side)).toBe(0); // already traced
    src.dispatchNext(1);
    expect(trace.connections.map((t) => [t.to === side, t.count])).toEqual([[true, 1]]);
    trace.traceGraph(src);
    const late = new Recorder<number>();
    doubled.connect(late);
    expect(trace.refresh()).toBe(1);
    src.dispatchNext(5);
    expect(late.values).toEqual([10]);
    expect(trace.connections.find((t) => t.to === late)!.count).toBe(1);
    expect(sink.values).toEqual([2, 10]);
  });

  test('a disconnected traced connection shows as disconnected', () => {
    const src = new OutputThing<number>();
    const rec = new Recorder<number>();
    const disconnect = src.connect(rec);
    const trace = new FlowTrace();
    trace.traceThing(src);
    src.dispatchNext(1);
    disconnect();
    src.dispatchNext(2);
    expect(rec.values).toEqual([1]);
    expect(trace.graph().edges[0]).toMatchObject({ state: 'disconnected', count: 1 });
  });

  test('TracePrinter prints each event crossing, with time, ports and names', () => {
    const lines: string[] = [];
    const printer = new TracePrinter((l) => lines.push(l));
    const trace = new FlowTrace({ now: () => 2500, listener: printer });
    printer.names = trace;
    const { src } = smallFlow();
    trace.label(src, 'numbers').traceGraph(src);
    src.dispatchNext(4);
    src.dispatchCompleted();
    expect(lines).toEqual([
      '2.500s numbers.default → MapFilter.default: 4',
      '2.500s MapFilter.default → Recorder.default: 8',
      '2.500s numbers.default → Recorder.default: 4',
      '2.500s numbers.default → MapFilter.default: completed',
      '2.500s MapFilter.default → Recorder.default: completed',
      '2.500s numbers.default → Recorder.default: completed',
    ]);
  });

  test('describeValue keeps values short', () => {
    expect(describeValue(3.14159265)).toBe('3.142');
    expect(describeValue({ sensorId: 'lux', ts: 1, val: 123.456 })).toBe('lux: 123.5');
    expect(describeValue(true)).toBe('true');
    expect(describeValue('x'.repeat(100)).length).toBe(48);
  });
});
