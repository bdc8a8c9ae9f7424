/**
 * The webhook notifier: a JSON body POSTed (or PUT) to a URL, signed with HMAC-SHA256 in
 * `X-Keelson-Signature: sha256=HEX` when a signing secret is configured, with a timeout. A failed
 * notification is reported, never fatal: the deploy's outcome does not depend on a webhook.
 */
import { createHmac } from 'node:crypto';
import type { NotifierDoc, Webhook } from '../model/types.ts';
import { readSecretEnv, scrub } from '../secrets.ts';
import { sendToNotifier } from './formats.ts';

/** What keelson tells notifiers. `event` reads `area.what`, e.g. `deploy.succeeded`. */
export interface NotifyEvent {
  event: string;
  resource: string;
  message: string;
  at: string;
  details: Record<string, unknown>;
}

/** `sha256=HEX` of the exact body bytes, as receivers recompute it. Pure. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether an event name matches a notifier's patterns (`*`, `deploy.*`, `deploy.failed`). Pure. */
export function eventMatches(patterns: string[], event: string): boolean {
  const area = event.split('.')[0];
  return patterns.some((p) => p === '*' || p === event || p === `${area}.*`);
}

/** Sends one event to one webhook. Throws on a network error, a timeout or a non-2xx answer. */
export async function sendWebhook(hook: Webhook, event: NotifyEvent, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const body = JSON.stringify(event);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'keelson', ...hook.headers };
  for (const [name, variable] of Object.entries(hook.headersFromEnv)) {
    const v = readSecretEnv(env, variable);
    if (v !== undefined) headers[name] = v;
  }
  const secret = hook.signingSecretEnv ? readSecretEnv(env, hook.signingSecretEnv) : undefined;
  if (secret) headers['x-keelson-signature'] = signBody(secret, body);
  // The event's own time, in epoch seconds: receivers refuse stale deliveries (the body, which is signed, carries it too).
  headers['x-keelson-timestamp'] = String(Math.floor(Date.parse(event.at) / 1000));
  const res = await fetch(hook.url, { method: hook.method, headers, body, signal: AbortSignal.timeout(hook.timeout) });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`answered ${res.status}`);
}

/**
 * Sends an event to every named notifier whose patterns match, in parallel. Returns one line per
 * failed notifier (scrubbed); never throws.
 */
export async function notifyAll(notifiers: NotifierDoc[], event: NotifyEvent, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const targets = notifiers.filter((n) => eventMatches(n.spec.events, event.event));
  const results = await Promise.allSettled(targets.map((n) => sendToNotifier(n, event, env)));
  return results.flatMap((r, i) =>
    r.status === 'rejected' ? [scrub(`[Notifier/${targets[i]?.metadata.name}] sending ${event.event} failed: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`)] : [],
  );
}
