export type { FunctionMetadata } from './extension-registry';
export { RuntimeApiServer } from './runtime-api-server';
export { LocalRuntime, startLocalRuntime } from './local-runtime';
export type {
  InvokeOptions,
  LocalRuntimeOptions,
} from './local-runtime-options';
export { parseEvent, parseEvents } from './parse-events';
export type { RuntimeClientKind } from './runtime-command';
export { formatTimeline } from './timeline-format';
export type { TimelineFormatOptions } from './timeline-format';
export type {
  ExtensionInfo,
  IdleEntry,
  InitEntry,
  InvokeEntry,
  LambdaError,
  LogLine,
  PhaseOutcome,
  ReinitCause,
  ShutdownEntry,
  ShutdownStep,
  TimelineEntry,
} from './timeline-entry';
