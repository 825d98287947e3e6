// The logging surface the relay needs: a structural subset of pino's, so a pino logger
// passes as is and the lib does not depend on pino.
export type LogFn = (obj: object, msg?: string) => void;

export interface RelayLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const ignore: LogFn = () => undefined;

export const silentLogger: RelayLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
