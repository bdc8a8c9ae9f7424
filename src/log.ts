import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';

/**
 * Paths redacted from every log line, whatever the caller passes. Credentials are redacted by this
 * configuration, not by care at each call site; src/secrets.ts also scrubs known secret values from text.
 */
export const REDACT_PATHS = [
  'apiKey', 'apiToken', 'token', 'password', 'secret', 'authorization', 'privateKey', 'passphrase',
  '*.apiKey', '*.apiToken', '*.token', '*.password', '*.secret', '*.authorization', '*.privateKey', '*.passphrase',
  'headers.authorization', '*.headers.authorization', 'env.*', '*.env.*',
];

export interface LogOptions {
  format?: LogFormat;
  level?: string;
  /** Where lines go; defaults to stderr so stdout stays for plans and --json output. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(opts: LogOptions = {}): Logger {
  const destination = opts.destination ?? process.stderr;
  const format = opts.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  const base = { level: opts.level ?? process.env.KEELSON_LOG_LEVEL ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (format === 'json') return pino(base, destination as pino.DestinationStream);
  return pino(base, prettyStream(destination));
}

function prettyStream(destination: NodeJS.WritableStream): pino.DestinationStream {
  // pino-pretty as a stream (not a worker transport) keeps ordering with our own stdout writes. It is
  // required only here: JSON logs and verbs that never log do not need it loaded.
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pinoPretty({
    destination,
    colorize: useColor(destination),
    ignore: 'pid,hostname',
    translateTime: 'HH:MM:ss',
    sync: true,
  });
}

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: NodeJS.WritableStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR) return true;
  return Boolean((stream as NodeJS.WriteStream).isTTY);
}
