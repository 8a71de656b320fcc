/**
 * Errors that end the whole dataflow, not just one branch of it.
 *
 * An ordinary error thrown by a thing (a sensor that fails to read, a map
 * function that throws) is delivered downstream as `onError` and stays in its
 * branch. A `FatalError` is different: it says the program itself is wrong or
 * the platform is broken, so it passes through every filter and stops the
 * scheduler.
 */
export class FatalError extends Error {
  constructor(message: string) {
    super(message);
    // A subclass's own name (a user's too); where the build stripped function names, the prototype's
    // below (an inherited constructor name would be Error's). Defined, not assigned: on a board the
    // preload freezes the prototypes, and assigning `name`, inherited read-only, throws.
    if (Object.hasOwn(new.target, 'name')) Object.defineProperty(this, 'name', { value: new.target.name, writable: true, enumerable: true, configurable: true });
  }
}

/** A connection names a port the output thing does not have, or an input thing lacks the port's methods. */
export class InvalidPortError extends FatalError {}

/** An event was dispatched to a port the output thing never declared. */
export class UnknownPortError extends FatalError {}

/** An event was dispatched to a port after `onCompleted` or `onError` closed it. */
export class PortAlreadyClosed extends FatalError {}

/** An input thing threw while receiving `onCompleted` or `onError`, where nothing downstream can take the error. */
export class ExcInDispatch extends FatalError {}

// Moddable's default build strips function names (`"strip": "*"`): the prototypes say them too.
FatalError.prototype.name = 'FatalError';
InvalidPortError.prototype.name = 'InvalidPortError';
UnknownPortError.prototype.name = 'UnknownPortError';
PortAlreadyClosed.prototype.name = 'PortAlreadyClosed';
ExcInDispatch.prototype.name = 'ExcInDispatch';

export function isFatal(e: unknown): e is FatalError {
  return e instanceof FatalError;
}
