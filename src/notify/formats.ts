/**
 * The bodies push services expect, built from one keelson event (pure), and the sender that posts
 * the right one for a Notifier's `format`:
 * - keelson: the signed JSON event (webhook.ts);
 * - ntfy: the message as the plain-text body of a POST to the topic URL, `Title`, `Priority` and
 *   `Tags` headers;
 * - pushover: JSON to the messages API with the application token and user key (from the
 *   environment), `message`, `title`, `priority`;
 * - slack: `{"text": ...}` (Slack and compatible incoming webhooks: Mattermost, Rocket.Chat);
 * - discord: `{"content": ...}` (at most 2,000 characters).
 * Every request carries `Idempotency-Key` (the event's `details.idempotencyKey`) so a receiver can
 * drop a redelivery.
 */
import type { NotifierDoc, NotifierFormat } from '../model/types.ts';
import { readSecretEnv } from '../secrets.ts';
import { sendWebhook, type NotifyEvent } from './webhook.ts';

export interface RenderedRequest {
  headers: Record<string, string>;
  body: string;
}

/** Events that mean something broke get a higher push priority. */
function urgent(event: string): boolean {
  return /\.(down|failed|suspect|held)$/.test(event);
}

function title(e: NotifyEvent): string {
  return `keelson: ${e.event} ${e.resource}`;
}

/** The request body and headers of one event in one format (not `keelson`, which webhook.ts signs). Pure. */
export function renderNotification(format: Exclude<NotifierFormat, 'keelson'>, e: NotifyEvent, creds: { token?: string; user?: string } = {}): RenderedRequest {
  const json = { 'content-type': 'application/json' };
  switch (format) {
    case 'ntfy':
      return {
        headers: { 'content-type': 'text/plain; charset=utf-8', title: title(e), priority: urgent(e.event) ? '4' : '3', tags: urgent(e.event) ? 'warning' : 'white_check_mark' },
        body: e.message,
      };
    case 'pushover':
      return { headers: json, body: JSON.stringify({ token: creds.token, user: creds.user, title: title(e), message: e.message.slice(0, 1024), priority: urgent(e.event) ? 1 : 0, timestamp: Math.floor(Date.parse(e.at) / 1000) }) };
    case 'slack':
      return { headers: json, body: JSON.stringify({ text: `*${e.event}* ${e.message}` }) };
    case 'discord':
      return { headers: json, body: JSON.stringify({ content: `**${e.event}** ${e.message}`.slice(0, 2000) }) };
  }
}

/** Sends one event to one Notifier in its format. Throws on a network error, a timeout or a non-2xx answer. */
export async function sendToNotifier(n: NotifierDoc, e: NotifyEvent, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const format = n.spec.format ?? 'keelson';
  const key: Record<string, string> = typeof e.details.idempotencyKey === 'string' ? { 'idempotency-key': e.details.idempotencyKey } : {};
  const hook = n.spec.webhook;
  if (format === 'keelson') return sendWebhook({ ...hook, headers: { ...key, ...hook.headers } }, e, env);
  const p = n.spec.pushover;
  const creds = format === 'pushover' && p ? { token: readSecretEnv(env, p.tokenEnv), user: readSecretEnv(env, p.userEnv) } : {};
  if (format === 'pushover' && !(creds.token && creds.user)) throw new Error(`environment variables ${p?.tokenEnv} and ${p?.userEnv} must hold the Pushover token and user key`);
  const r = renderNotification(format, e, creds);
  const headers: Record<string, string> = { 'user-agent': 'keelson', ...r.headers, ...key, ...hook.headers };
  for (const [name, variable] of Object.entries(hook.headersFromEnv)) {
    const v = readSecretEnv(env, variable);
    if (v !== undefined) headers[name] = v;
  }
  const res = await fetch(hook.url, { method: hook.method, headers, body: r.body, signal: AbortSignal.timeout(hook.timeout) });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`answered ${res.status}`);
}
