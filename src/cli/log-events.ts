/**
 * Progress of the long-running verbs (apply, rebuild, destroy, deploy) as log events. With
 * `--log-format json` each event is one pino JSON line on stderr (credentials redacted by the logger's
 * configuration, known secret values scrubbed from messages), so CI systems and log shippers can
 * parse a run. Otherwise the verbs keep their human progress display and this returns undefined.
 */
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { ProgressReporter } from '../apply/progress.ts';
import { createLogger } from '../log.ts';
import { scrub } from '../secrets.ts';
import type { GlobalOptions } from './main.ts';

export type EventLog = (event: string, fields: Record<string, unknown>, message: string) => void;

/** The JSON event log when `--log-format json` was given, else undefined. */
export function jsonEventLog(cmd: Command): EventLog | undefined {
  if ((cmd.optsWithGlobals() as GlobalOptions).logFormat !== 'json') return undefined;
  const log: Logger = createLogger({ format: 'json' });
  return (event, fields, message) => {
    const level = /failed|error/.test(event) ? 'error' : 'info';
    log[level]({ event, ...fields }, scrub(message));
  };
}

/** Apply events as JSON log lines: one per start, wait, install tick, result. */
export function jsonApplyReporter(emit: EventLog): ProgressReporter {
  return {
    onEvent(e) {
      const base = { change: e.change.id, action: e.change.action, kind: e.change.kind, name: e.change.name };
      const what = `${e.change.action} ${e.change.kind}/${e.change.name}`;
      if (e.type === 'start') emit('apply.start', base, what);
      else if (e.type === 'waiting') emit('apply.waiting', { ...base, on: e.on }, `${what} waits on ${e.on.join(', ')}`);
      else if (e.type === 'installing') emit('apply.installing', { ...base, serverId: e.serverId, elapsedMs: e.elapsedMs }, `${what}: installing`);
      else if (e.type === 'done') emit('apply.done', { ...base, elapsedMs: e.elapsedMs }, what);
      else if (e.type === 'failed') emit('apply.failed', { ...base, error: scrub(e.error) }, `${what}: ${e.error}`);
      else emit('apply.skipped', { ...base, reason: e.reason }, `${what} skipped: ${e.reason}`);
    },
    close() {},
  };
}
