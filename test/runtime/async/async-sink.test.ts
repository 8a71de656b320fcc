import { AsyncSink } from '../../../runtime/async/async-sink';
import { AsyncSource } from '../../../runtime/async/async-source';
import { PushSource } from '../../../runtime/async/push-source';
import { StopIteration } from '../../../runtime/core/sensor';
import { Scheduler } from '../../../runtime/scheduler/scheduler';
import { VirtualClock } from '../../../runtime/scheduler/virtual-clock';
import { Recorder } from '../../support/recorder';

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise<void>((r) => setImmediate(r));

describe('AsyncSink', () => {
  test('runs at most `concurrency` calls, returns at once, and emits results in arrival order', async () => {
    const calls: { x: number; d: ReturnType<typeof deferred<string>> }[] = [];
    const sink = new AsyncSink<number, string>({
      concurrency: 2,
      handler: (x) => {
        const d = deferred<string>();
        calls.push({ x, d });
        return d.promise;
      },
    });
    const out = new Recorder<string>();
    sink.connect(out);
    for (let i = 1; i <= 4; i++) sink.onNext(i); // returns at once: nothing awaited
    expect(calls.map((c) => c.x)).toEqual([1, 2]);
    expect(sink.inFlight).toBe(2);
    calls[1].d.resolve('two'); // finishes before the first: held back
    await settle();
    expect(out.values).toEqual([]);
    expect(calls.map((c) => c.x)).toEqual([1, 2, 3]);
    calls[0].d.resolve('one');
    await settle();
    expect(out.values).toEqual(['one', 'two']);
    calls[2].d.resolve('three');
    await settle();
    calls[3].d.resolve('four');
    sink.onCompleted();
    await settle();
    expect(out.values).toEqual(['one', 'two', 'three', 'four']);
    expect(out.completed).toBe(true);
  });

  test('retries a failed call with back-off on its clock, then gives up and reports, keeping order', async () => {
    const clock = new VirtualClock();
    const attempts: string[] = [];
    const failures: [number, string][] = [];
    let tries1 = 0;
    const sink = new AsyncSink<number, number>({
      retries: 2,
      backoff: { minMs: 100, maxMs: 1000 },
      clock,
      handler: async (x) => {
        attempts.push(`${x}@${clock.now()}`);
        if (x === 1 && ++tries1 < 3) throw new Error('busy');
        if (x === 2) throw new Error('never');
        return x * 10;
      },
      onFailure: (x, e) => failures.push([x, (e as Error).message]),
    });
    const out = new Recorder<number>();
    sink.connect(out);
    sink.onNext(1);
    sink.onNext(2);
    sink.onNext(3);
    for (let t = 0; t < 10; t++) {
      await settle();
      clock.advance(100);
    }
    await settle();
    // A call backing off frees its place for the next event; each retry waits twice as long.
    expect(attempts).toEqual(['1@0', '2@0', '3@0', '1@100', '2@100', '1@300', '2@300']);
    expect(out.values).toEqual([10, 30]); // 3 finished first but waits for 1; 2 was given up on
    expect(failures).toEqual([[2, 'never']]);
    expect({ completed: sink.completed, failed: sink.failed, retried: sink.retried }).toEqual({ completed: 2, failed: 1, retried: 4 });
  });

  test('a full queue drops the newest events and counts them; onCompleted flushes what was taken', async () => {
    const pending: (() => void)[] = [];
    const dropped: number[] = [];
    const done: number[] = [];
    const sink = new AsyncSink<number, void>({
      queueLimit: 3,
      handler: (x) => new Promise<void>((resolve) => pending.push(() => { done.push(x); resolve(); })),
      onDrop: (x) => dropped.push(x),
    });
    const out = new Recorder<void>();
    sink.connect(out);
    for (let i = 1; i <= 5; i++) sink.onNext(i);
    expect(dropped).toEqual([4, 5]);
    expect(sink.dropped).toBe(2);
    sink.onCompleted();
    expect(out.completed).toBe(false); // still flushing
    while (pending.length) {
      pending.shift()!();
      await settle();
    }
    expect(done).toEqual([1, 2, 3]);
    expect(out.completed).toBe(true);
    await sink.idle();
  });

  test('upstream onError flushes, then passes the error on', async () => {
    const sink = new AsyncSink<number, number>({ handler: async (x) => x });
    const out = new Recorder<number>();
    sink.connect(out);
    sink.onNext(1);
    sink.onError(new Error('upstream broke'));
    await settle();
    expect(out.log).toEqual(['next 1', 'error upstream broke']);
  });
});

describe('AsyncSource', () => {
  test('starts one call per observation, never two at once, and emits when each resolves', async () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const calls: ReturnType<typeof deferred<number | undefined>>[] = [];
    const src = new AsyncSource<number>(() => {
      const d = deferred<number | undefined>();
      calls.push(d);
      return d.promise;
    });
    const out = new Recorder<number>();
    src.connect(out);
    scheduler.schedulePeriodic(src, 1);
    scheduler.run(); // observes at 0
    clock.advance(1000); // still running: an overlap, no second call
    expect(calls.length).toBe(1);
    expect(src.overlaps).toBe(1);
    calls[0].resolve(42);
    await settle();
    clock.advance(1000);
    expect(calls.length).toBe(2);
    calls[1].resolve(undefined); // nothing this time
    await settle();
    clock.advance(1000);
    calls[2].reject(new StopIteration());
    await settle();
    expect(out.log).toEqual(['next 42', 'completed']);
    clock.advance(1000);
    expect(scheduler.pending).toBe(0); // descheduled once closed
  });
});

describe('PushSource', () => {
  test('dispatches what a host callback pushes, and counts pushes after the end', () => {
    const src = new PushSource<string>();
    const out = new Recorder<string>();
    src.connect(out);
    src.push('a');
    src.push('b');
    src.complete();
    src.push('late');
    expect(out.log).toEqual(['next "a"', 'next "b"', 'completed']);
    expect(src.droppedAfterClose).toBe(1);
  });
});
