import { Filter, checkFunction, thunk, type Thunk } from '../core/filter';
import { addFluentMethod } from '../core/fluent';
import type { OutputThing } from '../core/output-thing';

export type Printer = (line: string) => void;

/** `console.log` where there is one, XS's `trace` otherwise. */
function defaultPrinter(line: string): void {
  const g = globalThis as { console?: { log(s: string): void }; trace?: (s: string) => void; print?: (s: string) => void };
  if (g.console) g.console.log(line);
  else if (g.trace) g.trace(`${line}\n`);
  else if (g.print) g.print(line);
}

function show(x: unknown): string {
  if (typeof x === 'string') return x;
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

/** Print each event (and the end of the stream) and pass it on: a debugging tap. */
export class Output<T> extends Filter<T, T> {
  constructor(previous: OutputThing<T>, private readonly print: Printer = defaultPrinter) {
    checkFunction(print, 'output', 'print', true);
    super(previous);
  }

  override onNext(x: T): void {
    this.print(show(x));
    this.out.onNext(x);
  }

  override onCompleted(): void {
    this.print('completed');
    this.dispatchCompleted();
  }

  override onError(e: unknown): void {
    this.print(`error: ${e instanceof Error ? e.message : String(e)}`);
    this.dispatchError(e);
  }
}

/** Count events, pass them on, and print the count when the stream ends. */
export class OutputCount<T> extends Filter<T, T> {
  count = 0;

  constructor(previous: OutputThing<T>, private readonly print: Printer = defaultPrinter) {
    checkFunction(print, 'outputCount', 'print', true);
    super(previous);
  }

  override onNext(x: T): void {
    this.count++;
    this.out.onNext(x);
  }

  override onCompleted(): void {
    this.print(`completed, ${this.count} events`);
    this.dispatchCompleted();
  }

  override onError(e: unknown): void {
    this.print(`error after ${this.count} events: ${e instanceof Error ? e.message : String(e)}`);
    this.dispatchError(e);
  }
}

export function output(print?: Printer) {
  return thunk(<T>(source: OutputThing<T>) => new Output(source, print));
}
export function outputCount(print?: Printer) {
  return thunk(<T>(source: OutputThing<T>) => new OutputCount(source, print));
}

declare module '../core/output-thing' {
  interface OutputThing<T> {
    /** Print each event and pass it on. */
    output(print?: Printer): Filter<T, T>;
    /** Count events and print the count when the stream ends. */
    outputCount(print?: Printer): OutputCount<T>;
  }
}
addFluentMethod('output', function (this: OutputThing<unknown>, print?: Printer) {
  return new Output(this, print);
});
addFluentMethod('outputCount', function (this: OutputThing<unknown>, print?: Printer) {
  return new OutputCount(this, print);
});
