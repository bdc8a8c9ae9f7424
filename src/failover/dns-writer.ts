/**
 * The failover loop's writes to DNS: the records of targets going out are deleted and those coming
 * back are created, with exactly the fields the planner would write (so a later plan is empty),
 * through the DNS provider and its rate budget, in the failover lane (reserved capacity, ahead of
 * the queue). All actions of one round in one zone go out as one change set (one Cloudflare batch
 * call). Record ids are cached per zone; a failed write drops that zone's cache, so the next
 * round reads the zone again before acting.
 */
import type { LiveRecord, LiveZone } from '../model/live.ts';
import { canonicalIpv6 } from '../model/normalize.ts';
import { formatRecordComment, formatRecordTags } from '../model/ownership.ts';
import type { Manifests } from '../model/types.ts';
import { inFailoverLane } from '../providers/rate-budget.ts';
import type { DnsProvider, RecordChangeSet, RecordInput } from '../providers/types.ts';
import type { FailoverGroup } from './targets.ts';

/** One record to take out of DNS or put back. */
export interface RecordAction {
  group: FailoverGroup;
  target: string;
  address: string;
  op: 'remove' | 'add';
}

export interface WriteResult {
  /** Provider write calls made (one per zone with something to do). */
  calls: number;
  /** Actions that needed no write (the record was already gone, or already there). */
  skipped: number;
}

export class DnsWriter {
  private zones: Promise<LiveZone[]> | undefined;
  private readonly records = new Map<string, Promise<LiveRecord[]>>();

  constructor(
    private readonly dns: DnsProvider,
    private readonly manifests: () => Manifests,
    private readonly owner: string,
  ) {}

  /** Applies one round's actions. Throws the provider's error for a zone that failed (others still apply). */
  async apply(actions: readonly RecordAction[]): Promise<WriteResult> {
    const byZone = new Map<string, RecordAction[]>();
    for (const a of actions) byZone.set(a.group.zone, [...(byZone.get(a.group.zone) ?? []), a]);
    const results = await Promise.allSettled([...byZone].map(([zone, list]) => this.applyZone(zone, list)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return results.reduce((sum, r) => (r.status === 'fulfilled' ? { calls: sum.calls + r.value.calls, skipped: sum.skipped + r.value.skipped } : sum), { calls: 0, skipped: 0 });
  }

  private async applyZone(zoneDoc: string, actions: RecordAction[]): Promise<WriteResult> {
    const doc = this.manifests().dnsZones.get(zoneDoc);
    if (!doc) throw new Error(`[DNSZone/${zoneDoc}] failover: the zone is no longer in the manifests`);
    const zone = (await this.listZones()).find((z) => z.name === doc.spec.zone);
    if (!zone) throw new Error(`[DNSZone/${zoneDoc}] failover: zone ${doc.spec.zone} not found at the provider`);
    const live = await this.zoneRecords(zone);
    const set: RecordChangeSet = { deletes: [], updates: [], creates: [] };
    let skipped = 0;
    for (const a of actions) {
      // Live contents are normalized; an IPv6 from the compute provider may be written differently.
      const content = a.group.type === 'AAAA' ? canonicalIpv6(a.address) : a.address;
      const have = live.filter((r) => r.fqdn === a.group.fqdn && r.type === a.group.type && r.content === content);
      if (a.op === 'remove' && have.length) set.deletes.push(...have.map((r) => r.id));
      else if (a.op === 'add' && !have.length) set.creates.push(this.input(a, zone));
      else skipped++;
    }
    if (!set.deletes.length && !set.creates.length) return { calls: 0, skipped };
    try {
      const written = await inFailoverLane(() => this.dns.applyRecordChanges(zone, set));
      const gone = new Set(set.deletes);
      this.records.set(zone.id, Promise.resolve([...live.filter((r) => !gone.has(r.id)), ...written]));
    } catch (err) {
      this.records.delete(zone.id);
      throw err;
    }
    return { calls: 1, skipped };
  }

  /** The record exactly as the planner writes it for this record set (comment marker and tags included). */
  private input(a: RecordAction, zone: LiveZone): RecordInput {
    const o = { owner: this.owner, name: a.group.zone };
    const rec = a.group.record;
    const free = zone.plan === 'free';
    return {
      fqdn: rec.fqdn, type: rec.type, content: rec.type === 'AAAA' ? canonicalIpv6(a.address) : a.address, ttl: rec.ttl, proxied: rec.proxied,
      comment: formatRecordComment(rec.comment, o, free ? 100 : 500), tags: free ? [] : formatRecordTags(o),
    };
  }

  private listZones(): Promise<LiveZone[]> {
    this.zones ??= this.dns.listZones().catch((err: unknown) => {
      this.zones = undefined;
      throw err;
    });
    return this.zones;
  }

  private zoneRecords(zone: LiveZone): Promise<LiveRecord[]> {
    let p = this.records.get(zone.id);
    if (!p) {
      p = this.dns.listRecords(zone).catch((err: unknown) => {
        this.records.delete(zone.id);
        throw err;
      });
      this.records.set(zone.id, p);
    }
    return p;
  }

  /** Forgets every cached record (e.g. after reconcile wrote to DNS). */
  invalidate(): void {
    this.records.clear();
  }

  /** Whether the cached zone holds a record for this target (undefined when not read yet). */
  async inDns(group: FailoverGroup, address: string): Promise<boolean | undefined> {
    const doc = this.manifests().dnsZones.get(group.zone);
    const zone = doc && (await this.listZones()).find((z) => z.name === doc.spec.zone);
    if (!zone) return undefined;
    return (await this.zoneRecords(zone)).some((r) => r.fqdn === group.fqdn && r.type === group.type && r.content === address);
  }
}
