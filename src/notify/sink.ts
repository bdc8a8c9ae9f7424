/**
 * Where long-running loops (failover, the controller) hand their events: each event goes to the
 * Notifiers it names whose patterns match, at most once per idempotency key and notifier. A failed
 * delivery is reported through `onError`, never thrown, and is not retried here (the next state
 * change sends again).
 */
import type { NotifierDoc } from '../model/types.ts';
import { scrub } from '../secrets.ts';
import { sendToNotifier } from './formats.ts';
import { eventMatches, type NotifyEvent } from './webhook.ts';

export interface NotifySink {
  /** Sends `event` to the named notifiers; resolves when every delivery finished. */
  send(event: NotifyEvent, notifiers: readonly string[]): Promise<void>;
}

/** Keys remembered per sink: enough for any realistic burst, bounded so a long run does not grow. */
const REMEMBERED = 10_000;

export function createNotifySink(notifiers: () => ReadonlyMap<string, NotifierDoc>, opts: { env?: NodeJS.ProcessEnv; onError?: (line: string) => void } = {}): NotifySink {
  const sent = new Set<string>();
  return {
    async send(event, names) {
      const key = String(event.details.idempotencyKey ?? `${event.event}/${event.resource}/${event.at}`);
      const all = notifiers();
      const targets = names.flatMap((n) => {
        const doc = all.get(n);
        return doc && eventMatches(doc.spec.events, event.event) && !sent.has(`${n}/${key}`) ? [doc] : [];
      });
      for (const d of targets) {
        sent.add(`${d.metadata.name}/${key}`);
        if (sent.size > REMEMBERED) sent.delete(sent.values().next().value as string);
      }
      const results = await Promise.allSettled(targets.map((d) => sendToNotifier(d, event, opts.env ?? process.env)));
      results.forEach((r, i) => {
        if (r.status === 'rejected') opts.onError?.(scrub(`[Notifier/${targets[i]?.metadata.name}] sending ${event.event} failed: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`));
      });
    },
  };
}
