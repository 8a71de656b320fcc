/**
 * How the Web of Things answers word a client's mistake, over HTTP and WebSocket alike: the status
 * line of an error body, a short excerpt of what the client sent (never the whole request), and the
 * JSON checks both protocols make.
 */
import { STATUS_TEXT } from './http-status';

/** The most a message quotes of what the client sent (a name, a type), in characters. */
const EXCERPT_CHARS = 32;

/** `404 Not Found`: an error body's `status`. */
export function statusLine(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? ''}`.trimEnd();
}

/** A JSON object, not an array or null: what a request's `{ name: value }` must be. */
export function isPlainObject(x: unknown): x is { [k: string]: unknown } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A short quote of something the client sent, for an error message (never the whole request). */
export function excerpt(text: string): string {
  return text.length <= EXCERPT_CHARS ? text : `${text.slice(0, EXCERPT_CHARS)}…`;
}

/** Why a body nesting deeper than `maxJsonDepth` was refused. */
export function tooDeepMessage(maxDepth: number): string {
  return `the JSON nests deeper than ${maxDepth} levels (the limit is maxJsonDepth = ${maxDepth})`;
}
