/*
 * The engine's logger, given at boot (attachRealtime's `logger` option), so that realtime/
 * depends on nothing of the application. Until then it logs nothing.
 */
export interface RealtimeLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  /** An error as it may be logged (no SQL parameters, no personal data). */
  describeError(error: unknown): unknown;
}

const silent: RealtimeLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  describeError: (error) => String(error),
};

let current: RealtimeLogger = silent;

export function useRealtimeLogger(logger: RealtimeLogger | undefined): void {
  current = logger ?? silent;
}

export function logger(): RealtimeLogger {
  return current;
}

export function safeError(error: unknown): unknown {
  return current.describeError(error);
}
