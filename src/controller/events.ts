/**
 * The controller's events: raised on state changes only, each with an idempotency key made from its
 * stable facts (never durations or times), duplicates suppressed, and a "still failing" reminder at
 * most once an hour while a failure lasts. Delivered to every Notifier of the applied manifests whose
 * patterns match; the last events are kept for the status page.
 */
import { createHash } from 'node:crypto';
import type { NotifierDoc } from '../model/types.ts';
import { notifyAll, type NotifyEvent } from '../notify/webhook.ts';

export type ControllerEventName =
  | 'reconcile.failed' | 'reconcile.recovered' | 'reconcile.still-failing'
  | 'plan.refused' | 'drift.corrected' | 'drift.found' | 'source.failed' | 'source.recovered' | 'commit.refused'
  | 'rebuild.started' | 'rebuild.done' | 'rebuild.failed' | 'snapshot.refreshed';

export interface ControllerEvent {
  event: ControllerEventName;
  resource: string;
  message: string;
  /** Facts that identify this occurrence (revision, checksum, slot…): they make the idempotency key. */
  key: Record<string, string | number>;
  /** Anything else worth telling (durations, counts): not part of the key. */
  details?: Record<string, unknown>;
}

export interface RecordedEvent extends ControllerEvent {
  at: string;
  idempotencyKey: string;
  /** Notifier delivery failures (scrubbed); empty when every delivery succeeded. */
  deliveryErrors: string[];
}

const HOUR = 3_600_000;
const KEPT = 50;

export function idempotencyKey(e: Pick<ControllerEvent, 'event' | 'resource' | 'key'>): string {
  const stable = JSON.stringify([e.event, e.resource, Object.entries(e.key).sort(([a], [b]) => a.localeCompare(b))]);
  return createHash('sha256').update(stable).digest('hex').slice(0, 32);
}

export interface EventSinkOptions {
  now: () => number;
  /** The notifiers of the manifests in force (they change with commits). */
  notifiers: () => NotifierDoc[];
  env?: NodeJS.ProcessEnv;
  log?: (e: RecordedEvent) => void;
  send?: (notifiers: NotifierDoc[], event: NotifyEvent, env: NodeJS.ProcessEnv) => Promise<string[]>;
}

/** Keeps what was already said so each state change is said once. */
export class EventSink {
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  /** Per topic (e.g. `reconcile`), the failing event in force and when it was last said. */
  private readonly failing = new Map<string, { event: ControllerEvent; lastSaid: number }>();
  readonly recent: RecordedEvent[] = [];

  constructor(private readonly opts: EventSinkOptions) {}

  /** Raises `e` unless the same occurrence (same key) was raised already. Returns whether it was raised. */
  async emit(e: ControllerEvent): Promise<boolean> {
    const key = idempotencyKey(e);
    if (this.seen.has(key)) return false;
    this.remember(key);
    await this.deliver(e, key);
    return true;
  }

  /** A failure on `topic`: said once per distinct failure, reminded at most hourly while it lasts. */
  async fail(topic: string, e: ControllerEvent): Promise<void> {
    const prev = this.failing.get(topic);
    const now = this.opts.now();
    if (prev && idempotencyKey(prev.event) === idempotencyKey(e)) {
      if (now - prev.lastSaid < HOUR) return;
      prev.lastSaid = now;
      await this.deliver({ ...e, event: topic === 'reconcile' ? 'reconcile.still-failing' : e.event, message: `still failing: ${e.message}`, key: { ...e.key, reminder: now } }, idempotencyKey({ ...e, key: { ...e.key, reminder: now } }));
      return;
    }
    this.failing.set(topic, { event: e, lastSaid: now });
    await this.emit(e);
  }

  /** The failure on `topic` is over: raises `e` (the recovery) only when a failure was in force. */
  async recover(topic: string, e: ControllerEvent): Promise<void> {
    const prev = this.failing.get(topic);
    if (!prev) return;
    this.failing.delete(topic);
    await this.deliver(e, idempotencyKey({ ...e, key: { ...e.key, after: idempotencyKey(prev.event) } }));
  }

  isFailing(topic: string): boolean {
    return this.failing.has(topic);
  }

  private remember(key: string): void {
    this.seen.add(key);
    this.seenOrder.push(key);
    if (this.seenOrder.length > 10_000) this.seen.delete(this.seenOrder.shift()!);
  }

  private async deliver(e: ControllerEvent, key: string): Promise<void> {
    const at = new Date(this.opts.now()).toISOString();
    const body: NotifyEvent = { event: e.event, resource: e.resource, message: e.message, at, details: { ...e.key, ...e.details, idempotencyKey: key } };
    const send = this.opts.send ?? notifyAll;
    const deliveryErrors = await send(this.opts.notifiers(), body, this.opts.env ?? process.env);
    const rec: RecordedEvent = { ...e, at, idempotencyKey: key, deliveryErrors };
    this.recent.unshift(rec);
    if (this.recent.length > KEPT) this.recent.pop();
    this.opts.log?.(rec);
  }
}
