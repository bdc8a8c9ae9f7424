/**
 * Destroy hooks: a signed webhook POST (through the notifier's sender, src/notify/webhook.ts) or a
 * command over SSH on another host (through the deploy runner, src/deploy/ssh.ts). Each hook's
 * completion is recorded as a tag on the instance being destroyed, which is deleted last, so a
 * repeated destroy skips hooks that already ran. Delivery is at least once: a crash between a hook's
 * success and its tag runs it again, so the body carries an idempotency key.
 */
import { createHash } from 'node:crypto';
import type { LiveServer } from '../model/live.ts';
import type { DestroyHook, ServerDoc } from '../model/types.ts';
import { connectHost } from '../deploy/ssh.ts';
import { quote } from '../deploy/shell.ts';
import { sendWebhook, type NotifyEvent } from '../notify/webhook.ts';

/** What a hook may refer to: the logical server and the instance being destroyed. */
export interface HookSubject {
  doc: ServerDoc;
  instance: LiveServer;
  at: string;
}

/** Runs one hook; throws with the reason when it fails. Tests plug in their own. */
export type HookRunner = (hook: DestroyHook, subject: HookSubject) => Promise<void>;

/** `${server}`, `${hostname}`, `${ip}`, `${region}` and `${label.KEY}` replaced by shell-quoted values. Pure. */
export function renderHookCommand(command: string, s: HookSubject): string {
  const vars: Record<string, string> = {
    server: s.doc.metadata.name,
    hostname: s.instance.hostname,
    ip: s.instance.ipv4 ?? '',
    region: s.instance.region,
  };
  return command.replace(/\$\{(label\.)?([A-Za-z0-9_./-]+)\}/g, (whole, label: string | undefined, key: string) => {
    const v = label ? s.doc.metadata.labels[key] : vars[key];
    return v === undefined ? whole : quote(v);
  });
}

/** The JSON body of a webhook hook: the event, and an idempotency key stable across reruns. */
export function hookEvent(hook: DestroyHook, s: HookSubject): NotifyEvent {
  const name = s.doc.metadata.name;
  return {
    event: 'server.destroy',
    resource: `Server/${name}`,
    message: `[Server/${name}] destroy hook ${hook.name}`,
    at: s.at,
    details: {
      hook: hook.name,
      server: name,
      labels: s.doc.metadata.labels,
      instanceId: s.instance.id,
      hostname: s.instance.hostname,
      ip: s.instance.ipv4 ?? null,
      region: s.instance.region,
      idempotencyKey: createHash('sha256').update(`${s.instance.id}/${hook.name}`).digest('hex').slice(0, 32),
    },
  };
}

/** The real runner: webhook through the notifier's sender, SSH through the deploy runner (host keys checked). */
export function defaultHookRunner(root: string, env: NodeJS.ProcessEnv = process.env): HookRunner {
  return async (hook, subject) => {
    if ('webhook' in hook) return sendWebhook(hook.webhook, hookEvent(hook, subject), env);
    const { host, ssh, command } = hook.ssh;
    const remote = await connectHost({ name: host, address: host, port: ssh.port }, ssh, { root, env });
    try {
      const r = await remote.exec(renderHookCommand(command, subject), { timeoutMs: ssh.commandTimeout });
      if (r.code !== 0) throw new Error(`command exited ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim().slice(0, 200)}` : ''}`);
    } finally {
      remote.close();
    }
  };
}
