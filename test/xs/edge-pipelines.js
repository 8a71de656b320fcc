/*
 * Push-source pipelines for the XS allocation test (test/xs/edges-allocation.test.ts),
 * in the shape of bench/xs/pipelines.js: each entry builds a flow and returns
 * runBatch(n), which delivers n events. Plain ES2015+, evaluated after the bundle.
 */
(function () {
  'use strict';
  const pipelines = (globalThis.benchPipelines = globalThis.benchPipelines || {});

  function makeSink() {
    return {
      count: 0,
      last: undefined,
      onNext(x) { this.count++; this.last = x; },
      onCompleted() {},
      onError(e) { throw e; },
    };
  }

  /**
   * An ECMA-419 Digital input as a board's driver gives it: `onReadable` is
   * called with `this` the instance when the level changes. `toggle()` is the
   * interrupt: the pin flips and the callback runs.
   */
  class FakeDigital {
    constructor(options) {
      this.level = 1;
      this.onReadable = options.onReadable;
      this.target = options.target;
    }
    read() { return this.level; }
    close() {}
    toggle() {
      this.level ^= 1;
      this.onReadable.call(this);
    }
  }
  FakeDigital.Input = 0;
  FakeDigital.InputPullUp = 1;
  FakeDigital.Rising = 1;
  FakeDigital.Falling = 2;

  /** The floor: the pin toggling and its callback running, with no source behind it. */
  pipelines['edges: digital pin toggled, no source'] = function () {
    const pin = new FakeDigital({ onReadable() {}, target: undefined });
    return function runBatch(n) {
      for (let i = 0; i < n; i++) pin.toggle();
    };
  };

  /** A debounced DigitalEdgeSource: edges 50 ms apart (past the 20 ms debounce), each one event. */
  pipelines['edges: digital edge source -> sink'] = function (tf) {
    const clock = new tf.VirtualClock();
    const scheduler = new tf.Scheduler(clock);
    const sink = makeSink();
    let pin;
    // The source makes its own pin: a subclass hands it to the test.
    const Probe = class extends FakeDigital {
      constructor(options) { super(options); pin = this; }
    };
    Probe.Input = 0; Probe.InputPullUp = 1; Probe.Rising = 1; Probe.Falling = 2;
    const probed = new tf.DigitalEdgeSource({ io: Probe, pin: 1, scheduler, sensorId: 'button' });
    probed.connect(sink);
    return function runBatch(n) {
      for (let i = 0; i < n; i++) {
        clock.advance(50);
        pin.toggle();
      }
    };
  };

  /** Contact bounce: edges 1 ms apart are absorbed (counted), no event, no allocation. */
  pipelines['edges: digital edge source, bounce absorbed'] = function (tf) {
    const clock = new tf.VirtualClock();
    const scheduler = new tf.Scheduler(clock);
    let pin;
    const Probe = class extends FakeDigital {
      constructor(options) { super(options); pin = this; }
    };
    Probe.Input = 0; Probe.InputPullUp = 1; Probe.Rising = 1; Probe.Falling = 2;
    const source = new tf.DigitalEdgeSource({ io: Probe, pin: 1, scheduler, debounceMs: 1e12 });
    source.connect(makeSink());
    pin.toggle(); // the one accepted change; every later edge is inside the window
    return function runBatch(n) {
      for (let i = 0; i < n; i++) pin.toggle();
    };
  };

  /** A plain push source handed numbers by a host callback. */
  pipelines['edges: push source -> sink'] = function (tf) {
    const source = new tf.PushSource();
    source.connect(makeSink());
    let i = 0;
    return function runBatch(n) {
      for (let k = 0; k < n; k++) source.push((i = (i + 37) % 600));
    };
  };
})();
