export { FatalError, InvalidPortError, UnknownPortError, PortAlreadyClosed, ExcInDispatch, isFatal } from './errors';
export { DEFAULT_PORT, type InputThing, type SensorEvent } from './input-thing';
export { OutputThing, type ConnectOptions, type ConnectionView } from './output-thing';
export { Filter, thunk, isThunk, connectStep, type Thunk, type ChainStep } from './filter';
export { SensorAsOutputThing, StopIteration, fromEcma419, type Sensor, type SensorOptions, type Ecma419Sensor } from './sensor';
export { IterableAsOutputThing, fromIterable } from './from-iterable';
export { setErrorReporter, reportError, type ErrorReporter } from './report-error';
