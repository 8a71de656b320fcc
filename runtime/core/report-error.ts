/**
 * Where errors go that have no downstream to receive them (an `onError` that
 * reaches a plain callback sink, an input thing that throws while closing).
 * The runtime has no console of its own on a chip: XS offers `trace`, Node
 * and browsers `console`. A host or a test may install its own reporter.
 */
export type ErrorReporter = (message: string, error: unknown) => void;

function defaultReporter(message: string, error: unknown): void {
  const g = globalThis as { console?: { error(...a: unknown[]): void }; trace?: (s: string) => void };
  if (g.console) g.console.error(message, error);
  else if (g.trace) g.trace(`${message} ${String(error)}\n`);
}

let reporter: ErrorReporter = defaultReporter;

export function setErrorReporter(fn: ErrorReporter | undefined): void {
  reporter = fn ?? defaultReporter;
}

/** The reporter installed now, so that code installing its own for a while can put it back. */
export function getErrorReporter(): ErrorReporter {
  return reporter;
}

export function reportError(message: string, error: unknown): void {
  reporter(message, error);
}
