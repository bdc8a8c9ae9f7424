/**
 * Traffic per logical server for a calendar month: what its instances used, plus what rebuilds
 * carried over from the instances they replaced (the `keelson:bw` tag, see marks.ts), against the
 * manifest's monthly limit. Read-only.
 */
import type { LiveServer } from '../model/live.ts';
import type { ServerDoc } from '../model/types.ts';
import type { BandwidthUsage, ComputeProvider } from '../providers/types.ts';
import { serverFamily } from '../model/server-family.ts';
import { carriedBytes, monthOf } from '../model/workflow-marks.ts';

/** Limits are in decimal gigabytes, as Vultr bills them. */
export const BYTES_PER_GB = 1_000_000_000;

export interface BandwidthRow {
  server: string;
  month: string;
  instances: string[];
  /** This month's traffic of the instances that exist now. */
  usedBytes: number;
  /** Carried over by rebuilds from instances that are gone (or are about to go). */
  carriedBytes: number;
  totalBytes: number;
  limitBytes?: number;
}

/** Bytes in `usage` on days of `month` (incoming + outgoing). Pure. */
export function monthBytes(usage: BandwidthUsage, month: string): number {
  return Object.entries(usage).filter(([day]) => day.startsWith(month)).reduce((n, [, b]) => n + b.inBytes + b.outBytes, 0);
}

/**
 * One row per Server in `docs` that has an instance. While a rebuild is in progress both instances
 * count; once the successor carries the predecessor's traffic, the predecessor is not counted twice.
 */
export async function bandwidthReport(compute: ComputeProvider, owner: string, docs: Iterable<ServerDoc>, now: number): Promise<BandwidthRow[]> {
  const month = monthOf(now);
  const servers = await compute.listServers();
  const rows: BandwidthRow[] = [];
  for (const doc of docs) {
    const f = serverFamily(servers, owner, doc.metadata.name);
    if (!f.current) continue;
    const handedOver = f.successor !== undefined && f.successor.tags.some((t) => t.startsWith(`keelson:bw=${month}:`));
    const counted: LiveServer[] = handedOver ? [f.successor!] : [f.current, ...(f.successor ? [f.successor] : [])];
    const carrier = handedOver ? f.successor! : f.current;
    let used = 0;
    for (const s of counted) used += monthBytes(await compute.bandwidth(s.id), month);
    const carried = carriedBytes(carrier.tags, month);
    rows.push({
      server: doc.metadata.name, month, instances: counted.map((s) => s.id), usedBytes: used, carriedBytes: carried, totalBytes: used + carried,
      ...(doc.spec.bandwidth ? { limitBytes: doc.spec.bandwidth.monthlyLimitGB * BYTES_PER_GB } : {}),
    });
  }
  return rows;
}
