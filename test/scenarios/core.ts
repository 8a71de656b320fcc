/**
 * Core model scenarios (runtime/core): ports, errors, completion, disconnect,
 * sensors. Run on Node and on XS by test/xs/core.test.ts.
 */
import type { Out, ScenarioTable, ThingflowRuntime } from './scenario';

/** An input thing that prints everything it receives, prefixed with its name. */
function recorder(name: string, out: Out) {
  return {
    onNext(x: unknown) { out(`${name} next ${JSON.stringify(x)}`); },
    onCompleted() { out(`${name} completed`); },
    onError(e: any) { out(`${name} error ${e && e.name}: ${e && e.message}`); },
  };
}

function errorText(e: any): string {
  return `${e && e.name}: ${e && e.message}`;
}

/** Run `fn`, printing the name and message of what it throws (or that it did not). */
function expectThrow(out: Out, label: string, fn: () => void): void {
  try {
    fn();
    out(`${label}: no error`);
  } catch (e) {
    out(`${label}: ${errorText(e)}`);
  }
}

export const scenarios: ScenarioTable = {
  'the runtime exports the same names on both engines': (tf, out) => {
    const names = Object.keys(tf).filter((k) => k !== 'default' && k !== '__esModule').sort();
    out(`${names.length} exports`);
    for (const name of names) out(`${name}: ${typeof (tf as any)[name]}`);
  },

  'dispatch reaches every connection in order': (tf: ThingflowRuntime, out: Out) => {
    const src = new tf.OutputThing<number>();
    src.connect(recorder('a', out));
    src.connect(recorder('b', out));
    src.connect((x) => out(`callback ${x}`));
    src.dispatchNext(1);
    src.dispatchNext(2);
    src.dispatchCompleted();
    out(`closed ${src.closed}`);
  },

  'named ports and port mapping': (tf, out) => {
    const src = new tf.OutputThing<string>(['left', 'right']);
    const joiner = {
      onLeftNext(x: string) { out(`left got ${x}`); },
      onLeftCompleted() { out('left completed'); },
      onLeftError(e: any) { out(`left error ${errorText(e)}`); },
      onNext(x: string) { out(`default got ${x}`); },
      onCompleted() { out('default completed'); },
      onError(e: any) { out(`default error ${errorText(e)}`); },
    };
    src.connect(joiner, { portMapping: ['left', 'left'] });
    src.connect(joiner, { portMapping: ['right', 'default'] });
    src.connect({ onüberNext(x: string) { out(`über got ${x}`); }, onüberCompleted() {}, onüberError() {} } as any, { portMapping: ['left', 'über'] });
    src.dispatchNext('L1', 'left');
    src.dispatchNext('R1', 'right');
    out(`ports ${JSON.stringify(src.ports)}`);
    src.dispatchCompleted('left');
    out(`ports after left completed ${JSON.stringify(src.ports)} closed ${src.closed}`);
    src.dispatchError(new Error('right broke'), 'right');
    out(`closed ${src.closed}`);
  },

  'bad ports are fatal errors with clear messages': (tf, out) => {
    const src = new tf.OutputThing<number>(['a']);
    expectThrow(out, 'connect to undeclared port', () => src.connect(recorder('x', out), { portMapping: ['b', 'default'] }));
    expectThrow(out, 'connect to missing input port', () => src.connect(recorder('x', out), { portMapping: ['a', 'left'] }));
    const capitalised = { onÜberNext() {}, onÜberCompleted() {}, onÜberError() {} };
    expectThrow(out, 'connect to a port whose first letter is not ASCII', () => src.connect(capitalised as any, { portMapping: ['a', 'über'] }));
    expectThrow(out, 'dispatch to undeclared port', () => src.dispatchNext(1, 'nope'));
    src.connect(recorder('x', out), { portMapping: ['a', 'default'] });
    src.dispatchCompleted('a');
    expectThrow(out, 'dispatch after completed', () => src.dispatchNext(2, 'a'));
    expectThrow(out, 'complete twice', () => src.dispatchCompleted('a'));
    expectThrow(out, 'connect to a closed port', () => src.connect(recorder('y', out), { portMapping: ['a', 'default'] }));
    try {
      src.dispatchNext(3, 'a');
    } catch (e) {
      out(`isFatal ${tf.isFatal(e)} instanceof FatalError ${e instanceof tf.FatalError} PortAlreadyClosed ${e instanceof tf.PortAlreadyClosed}`);
    }
  },

  'an error stays in its branch': (tf, out) => {
    const src = new tf.OutputThing<number>();
    src.connect(recorder('before', out));
    src.connect({
      onNext(x: number) {
        out(`fragile next ${x}`);
        if (x === 2) throw new Error('fragile cannot take 2');
      },
      onCompleted() { out('fragile completed'); },
      onError(e: any) { out(`fragile error ${errorText(e)}`); },
    });
    src.connect(recorder('after', out));
    for (let i = 1; i <= 4; i++) src.dispatchNext(i);
    src.dispatchCompleted();
  },

  'a fatal error from a sink is not contained': (tf, out) => {
    const src = new tf.OutputThing<number>();
    src.connect(() => { throw new tf.FatalError('the program is wrong'); });
    src.connect(recorder('sibling', out));
    expectThrow(out, 'dispatch', () => src.dispatchNext(1));
  },

  'onError and onCompleted are terminal; closing twice is fatal': (tf, out) => {
    const src = new tf.OutputThing<number>();
    src.connect(recorder('r', out));
    src.dispatchError(new Error('sensor died'));
    out(`closed ${src.closed}`);
    expectThrow(out, 'error again', () => src.dispatchError(new Error('again')));
    expectThrow(out, 'next after error', () => src.dispatchNext(1));
  },

  'an input thing that throws while closing is an ExcInDispatch': (tf, out) => {
    const src = new tf.OutputThing<number>();
    src.connect({
      onNext() {},
      onCompleted() { throw new Error('cannot close'); },
      onError() {},
    });
    expectThrow(out, 'complete', () => src.dispatchCompleted());
  },

  'disconnect, also from inside a dispatch': (tf, out) => {
    const src = new tf.OutputThing<number>();
    const stopA = src.connect(recorder('a', out));
    let stopSelf: () => void = () => {};
    stopSelf = src.connect({
      onNext(x: number) {
        out(`self next ${x}`);
        if (x === 2) stopSelf();
      },
      onCompleted() { out('self completed'); },
      onError() {},
    });
    src.connect(recorder('c', out));
    src.dispatchNext(1);
    stopA();
    stopA(); // a second call is harmless
    src.dispatchNext(2);
    src.dispatchNext(3);
    src.dispatchCompleted();
  },

  'filter chain passes completion and errors downstream': (tf, out) => {
    const src = new tf.OutputThing<number>();
    const f = new tf.Filter<number>(src);
    const g = new tf.Filter<number>(f);
    g.connect(recorder('end', out));
    src.dispatchNext(7);
    src.dispatchError(new Error('upstream failed'));
    out(`filters closed ${f.closed} ${g.closed}`);
  },

  'a filter that throws is cut off and reports onError downstream': (tf, out) => {
    class Exploding extends tf.Filter<number> {
      override onNext(x: number): void {
        if (x > 1) throw new RangeError(`too big: ${x}`);
        this.dispatchNext(x);
      }
    }
    const src = new tf.OutputThing<number>();
    const boom = new Exploding(src);
    boom.connect(recorder('down', out));
    src.connect(recorder('sibling', out));
    src.dispatchNext(1);
    src.dispatchNext(2);
    src.dispatchNext(3);
    out(`exploding closed ${boom.closed}`);
  },

  'sensor events, read errors and StopIteration': (tf, out) => {
    let n = 0;
    const sensor = {
      sensorId: 'lux-1',
      sample(): number {
        n++;
        if (n === 3) throw new Error('i2c nack');
        if (n === 5) throw new tf.StopIteration();
        return n * 10;
      },
    };
    const skipping = new tf.SensorAsOutputThing(sensor, { readErrors: 'skip', onReadError: (e: any) => out(`read error ${e.message}`) });
    skipping.connect(recorder('skip', out));
    for (let t = 0; t < 6; t++) {
      if (!skipping.closed) skipping.observe(t * 60);
    }
    out(`skipped ${skipping.skippedReads} closed ${skipping.closed} ${String(skipping)}`);

    n = 0;
    const strict = new tf.SensorAsOutputThing(sensor);
    strict.connect(recorder('strict', out));
    for (let t = 0; t < 6; t++) {
      if (!strict.closed) strict.observe(t);
    }
    out(`strict closed ${strict.closed}`);
  },

  'ECMA-419 sensor adapter picks a field': (tf, out) => {
    let reading = 20;
    const tmp102 = { sample: () => (reading < 22 ? { temperature: reading++ } : undefined) };
    const temp = new tf.SensorAsOutputThing(tf.fromEcma419(tmp102, 'temperature', 'tmp-1'));
    temp.connect(recorder('temp', out));
    for (let t = 0; t < 4; t++) if (!temp.closed) temp.observe(t);
  },

  'fromIterable emits one value per observe, then completes': (tf, out) => {
    const arr = tf.fromIterable(['a', 'b']);
    arr.connect(recorder('arr', out));
    function* gen() { yield 1; yield 2; }
    const it = tf.fromIterable(gen());
    it.connect(recorder('gen', out));
    for (let t = 0; t < 3; t++) {
      arr.observe(t);
      it.observe(t);
    }
  },

  'unhandled onError at a callback sink goes to the error reporter': (tf, out) => {
    tf.setErrorReporter((message, e: any) => out(`reported: ${message} ${errorText(e)}`));
    const src = new tf.OutputThing<number>();
    src.connect((x) => out(`got ${x}`));
    src.dispatchNext(1);
    src.dispatchError(new Error('no one listens'));
  },

  'an output thing without observe cannot be scheduled': (tf, out) => {
    const src = new tf.OutputThing<number>();
    expectThrow(out, 'observe', () => src.observe(0));
  },
};
