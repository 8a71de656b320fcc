export { backoffDelayMs, type BackoffOptions } from './backoff';
export { AsyncSink, type AsyncSinkOptions } from './async-sink';
export { AsyncSource, type AsyncSourceOptions } from './async-source';
export { PushSource } from './push-source';
