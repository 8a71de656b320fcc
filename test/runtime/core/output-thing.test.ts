import { OutputThing } from '../../../runtime/core/output-thing';
import { Filter } from '../../../runtime/core/filter';
import { FatalError, InvalidPortError, PortAlreadyClosed, UnknownPortError } from '../../../runtime/core/errors';
import { setErrorReporter } from '../../../runtime/core/report-error';
import { Recorder } from '../../support/recorder';

/** An input thing with a second input port named `right`. */
class TwoPortSink extends Recorder<number> {
  readonly right = new Recorder<number>();
  onRightNext(x: number): void { this.right.onNext(x); }
  onRightCompleted(): void { this.right.onCompleted(); }
  onRightError(e: unknown): void { this.right.onError(e); }
}

describe('OutputThing: connections and ports', () => {
  test('connect returns a disconnect function; events stop after it is called', () => {
    const src = new OutputThing<number>();
    const rec = new Recorder<number>();
    const disconnect = src.connect(rec);
    src.dispatchNext(1);
    disconnect();
    src.dispatchNext(2);
    expect(rec.values).toEqual([1]);
  });

  test('a plain function receives onNext only', () => {
    const src = new OutputThing<number>();
    const got: number[] = [];
    src.connect((x) => got.push(x));
    src.dispatchNext(7);
    src.dispatchCompleted();
    expect(got).toEqual([7]);
  });

  test('portMapping routes an output port to a named input port (onRightNext)', () => {
    const src = new OutputThing<number>(['left', 'right']);
    const sink = new TwoPortSink();
    src.connect(sink, { portMapping: ['right', 'right'] });
    src.connect(sink, { portMapping: ['left', 'default'] });
    src.dispatchNext(1, 'left');
    src.dispatchNext(2, 'right');
    src.dispatchCompleted('right');
    expect(sink.values).toEqual([1]);
    expect(sink.right.values).toEqual([2]);
    expect(sink.right.completed).toBe(true);
    expect(sink.completed).toBe(false);
    expect(src.ports).toEqual(['left']);
    expect(src.closed).toBe(false);
  });

  test('unknown output port and missing input-port methods are InvalidPortError (fatal)', () => {
    const src = new OutputThing<number>();
    expect(() => src.connect(new Recorder(), { portMapping: ['nope', 'default'] })).toThrow(InvalidPortError);
    expect(() => src.connect(new Recorder(), { portMapping: ['default', 'right'] })).toThrow(/onRightNext/);
    expect(new InvalidPortError('x')).toBeInstanceOf(FatalError);
  });

  test('ports named like Object.prototype\'s members are ports like any other; undeclared ones are unknown', () => {
    const src = new OutputThing<number>(['toString', 'constructor', '__proto__']);
    expect(src.ports).toEqual(['toString', 'constructor', '__proto__']);
    const rec = new Recorder<number>();
    src.connect(rec, { portMapping: ['constructor', 'default'] });
    src.dispatchNext(7, 'constructor');
    expect(rec.log).toEqual(['next 7']);
    src.dispatchCompleted('toString');
    expect(src.ports).toEqual(['constructor', '__proto__']);
    const plain = new OutputThing<number>();
    expect(() => plain.dispatchNext(1, 'toString')).toThrow(UnknownPortError);
    expect(() => plain.connect(new Recorder(), { portMapping: ['hasOwnProperty', 'default'] })).toThrow("invalid output port 'hasOwnProperty'; this thing has ports: default");
  });

  test('dispatching on an unknown port is UnknownPortError; after completion, PortAlreadyClosed', () => {
    const src = new OutputThing<number>();
    expect(() => src.dispatchNext(1, 'other')).toThrow(UnknownPortError);
    src.dispatchCompleted();
    expect(() => src.dispatchNext(1)).toThrow(PortAlreadyClosed);
    expect(() => src.dispatchError(new Error('late'))).toThrow(PortAlreadyClosed);
    expect(() => src.connect(new Recorder())).toThrow(/already closed/);
  });

  test('onCompleted and onError are terminal per port; the thing closes when all ports have', () => {
    const src = new OutputThing<number>(['a', 'b']);
    const a = new Recorder<number>();
    const b = new Recorder<number>();
    src.connect(a, { portMapping: ['a', 'default'] });
    src.connect(b, { portMapping: ['b', 'default'] });
    src.dispatchError(new Error('a broke'), 'a');
    expect(src.closed).toBe(false);
    src.dispatchNext(5, 'b');
    src.dispatchCompleted('b');
    expect(src.closed).toBe(true);
    expect(a.log).toEqual(['error a broke']);
    expect(b.log).toEqual(['next 5', 'completed']);
  });

  test('a thing may disconnect itself while an event is being dispatched', () => {
    const src = new OutputThing<number>();
    const seen: string[] = [];
    let stop: () => void = () => {};
    stop = src.connect((x) => { seen.push(`first ${x}`); stop(); });
    src.connect((x) => seen.push(`second ${x}`));
    src.dispatchNext(1);
    src.dispatchNext(2);
    expect(seen).toEqual(['first 1', 'second 1', 'second 2']);
  });
});

describe('OutputThing: error isolation', () => {
  let reported: unknown[];
  beforeEach(() => { reported = []; setErrorReporter((_m, e) => reported.push(e)); });
  afterEach(() => setErrorReporter(undefined));

  test('an input thing that throws is cut off and gets onError; its siblings carry on', () => {
    const src = new OutputThing<number>();
    const failing = new Filter<number>(src);
    failing.onNext = (x: number) => { if (x === 2) throw new Error('bad 2'); failing.dispatchNext(x); };
    const afterFailing = new Recorder<number>();
    failing.connect(afterFailing);
    const sibling = new Recorder<number>();
    src.connect(sibling);
    for (const x of [1, 2, 3]) src.dispatchNext(x);
    expect(afterFailing.log).toEqual(['next 1', 'error bad 2']);
    expect(sibling.values).toEqual([1, 2, 3]);
  });

  test('an error reaching a plain callback sink is reported, not thrown', () => {
    const src = new OutputThing<number>();
    src.connect(() => {});
    src.dispatchError(new Error('sensor unplugged'));
    expect((reported[0] as Error).message).toBe('sensor unplugged');
  });

  test('a FatalError passes through every filter', () => {
    const src = new OutputThing<number>();
    const f = new Filter<number>(src);
    f.connect(() => { throw new FatalError('wiring bug'); });
    expect(() => src.dispatchNext(1)).toThrow('wiring bug');
  });

  test('a callback sink that throws gets cut off, the source keeps serving others', () => {
    const src = new OutputThing<number>();
    src.connect(() => { throw new Error('sink failed'); });
    const rec = new Recorder<number>();
    src.connect(rec);
    src.dispatchNext(1);
    src.dispatchNext(2);
    expect(rec.values).toEqual([1, 2]);
    expect((reported[0] as Error).message).toBe('sink failed');
    expect(src.abandoned).toBe(false);
  });
});

describe('OutputThing.retired: closed || abandoned as a field (the scheduler reads it each wake)', () => {
  const agrees = (t: OutputThing<number>) => expect(t.retired).toBe(t.closed || t.abandoned);

  test('it follows connect, disconnect, reconnect and close on every port', () => {
    const src = new OutputThing<number>(['default', 'other']);
    agrees(src);
    expect(src.retired).toBe(false);
    const off = src.connect(new Recorder());
    agrees(src);
    off();
    agrees(src);
    expect(src.retired).toBe(true); // abandoned: its only connection went
    src.connect(new Recorder());
    src.connect(new Recorder(), { portMapping: ['other', 'default'] });
    agrees(src);
    expect(src.retired).toBe(false);
    src.dispatchCompleted();
    agrees(src);
    expect(src.retired).toBe(false); // 'other' is still open and connected
    src.dispatchCompleted('other');
    agrees(src);
    expect(src.retired).toBe(true);
  });

  test('a thing with no ports is retired from the start; a sink cut off by its error retires its source', () => {
    agrees(new OutputThing<number>([]));
    expect(new OutputThing<number>([]).retired).toBe(true);
    const src = new OutputThing<number>();
    src.connect(() => { throw new Error('sink failed'); });
    src.dispatchNext(1);
    agrees(src);
    expect(src.retired).toBe(true);
  });
});
