/** Tracing a flow: see what crosses its connections, at no cost while it is off. */
export { FlowTrace, describeValue, type FlowTraceOptions, type FlowGraph, type FlowNode, type FlowEdge } from './flow-trace';
export { ConnectionTap, type TapState, type TraceKind, type TraceListener } from './connection-tap';
export { TracePrinter, type ThingNamer } from './trace-printer';
