import { getErrorReporter, setErrorReporter, type ErrorReporter } from '../runtime/core/report-error';
import { formatDuration } from './duration';
import type { PlotRecorder } from './plot-recorder';

/**
 * What made a run fail, gathered in one place so a summary can name it and a
 * CLI can exit non-zero: tracked streams that ended with an error, errors that
 * reached a sink with no handler (`reportError` while the run is on), and
 * failures the app reports itself (`ctx.fail`, e.g. a broker never reached).
 */
export class RunFailures {
  private readonly reported = new Map<string, { count: number; firstAtMs: number }>();
  private readonly appFailures: string[] = [];
  private previous: ErrorReporter | undefined;

  constructor(private readonly now: () => number) {}

  /** Collect what `reportError` receives until `stopListening`, passing it on to the reporter installed before. */
  listen(): void {
    const previous = getErrorReporter();
    this.previous = previous;
    setErrorReporter((message, error) => {
      const text = `${message.replace(/:\s*$/, '')}: ${describeError(error)}`;
      const seen = this.reported.get(text);
      if (seen) seen.count++;
      else this.reported.set(text, { count: 1, firstAtMs: this.now() });
      previous(message, error);
    });
  }

  stopListening(): void {
    if (this.previous) setErrorReporter(this.previous);
    this.previous = undefined;
  }

  /** The app says the run failed (it still runs to its end). */
  fail(reason: string): void {
    this.appFailures.push(reason);
  }

  /** One line per failure, in the order: ended streams, unhandled errors, the app's own. */
  list(plot: PlotRecorder): string[] {
    const out: string[] = [];
    for (const s of plot.endedWithError()) {
      out.push(`stream '${s.name}' ended with an error after ${formatDuration(s.atMs)}: ${describeError(s.error)}`);
    }
    for (const [text, { count, firstAtMs }] of this.reported) {
      out.push(`${text} (after ${formatDuration(firstAtMs)}${count > 1 ? `, ${count} times` : ''})`);
    }
    return out.concat(this.appFailures);
  }
}

/** An error in one line: its name and message, never its stack. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`;
  return String(e);
}
