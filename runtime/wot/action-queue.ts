/**
 * How an action gets started "later", after the request that created it has
 * been answered (webthing-python's `IOLoop.spawn_callback`). Portable code has
 * no event loop of its own, so the host installs one: hosts/node uses
 * `setImmediate`, a Moddable host `Timer.set(fn, 0)`. The default is a
 * promise job, which every ECMA-262 engine runs once the current work is done.
 */
export type ActionQueue = (run: () => void) => void;

const promiseJob: ActionQueue = (run) => {
  Promise.resolve().then(run);
};

let queue: ActionQueue = promiseJob;

/** Install the host's way of running a callback soon (pass `undefined` for the default). */
export function setActionQueue(fn: ActionQueue | undefined): void {
  queue = fn ?? promiseJob;
}

/** Run `run` soon, never now. */
export function queueAction(run: () => void): void {
  queue(run);
}
