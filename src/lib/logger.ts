import { pino, type Logger, type LoggerOptions } from 'pino';
import { currentContext } from './context.ts';

export type { Logger };

/**
 * Paths that may hold PHI or secrets. Pino censors them wherever they appear; the rule in code
 * is still "log ids, not content" — this list is the safety net, not the plan.
 */
export const redactedPaths = [
  'req.headers', 'req.body', 'res.headers', 'body', 'headers', 'transcript', 'text',
  'ani', 'dnis', 'from', 'to', 'phone', 'name', 'birthDate', 'patient', 'caller',
  '*.ani', '*.dnis', '*.phone', '*.name', '*.birthDate', '*.transcript', '*.text', '*.body',
  '*.headers', 'authorization', 'cookie', 'secret', '*.secret',
];

export interface LoggerSettings {
  level?: string;
  /** Write to this destination instead of stdout (tests capture logs to look for canary PHI). */
  destination?: NodeJS.WritableStream;
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: 'callchart' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    // Ids from the async context join every line, so one call can be followed across stages.
    mixin: () => ({ ...currentContext() }),
    serializers: {
      err: pino.stdSerializers.err,
      req: (req: { id?: string; method?: string; routeOptions?: { url?: string } }) => ({
        id: req.id,
        method: req.method,
        route: req.routeOptions?.url,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
