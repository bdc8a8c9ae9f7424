/**
 * What is live on each host of a Deployment: the slot, the image or commit, and since when, read
 * from the host (upstream marker and state file). Reads only; safe to run any time.
 */
import { randomBytes } from 'node:crypto';
import type { DeploymentDoc } from '../model/types.ts';
import { scrub } from '../secrets.ts';
import type { HostRun } from './host-run.ts';
import { inspectHost } from './host-state.ts';
import { connectHost, type HostAddress } from './ssh.ts';
import { systemClock, type Remote } from './types.ts';
import type { LiveSlot } from './upstream.ts';

export type HostStatus =
  | { host: string; reachable: true; live?: LiveSlot; previous?: LiveSlot }
  | { host: string; reachable: false; error: string };

/** Reads every host's live slot, in parallel. Never throws for one host's failure. */
export async function readStatus(
  doc: DeploymentDoc,
  hosts: HostAddress[],
  opts: { root: string; env?: NodeJS.ProcessEnv; connect?: (h: HostAddress) => Promise<Remote> },
): Promise<HostStatus[]> {
  const connect = opts.connect ?? ((h: HostAddress) => connectHost(h, doc.spec.ssh, { root: opts.root, env: opts.env }));
  return Promise.all(hosts.map(async (h): Promise<HostStatus> => {
    let remote: Remote | undefined;
    try {
      remote = await connect(h);
      const run: HostRun = {
        remote, doc, clock: systemClock, report: () => undefined, deployId: randomBytes(3).toString('hex'),
        holder: 'status', secretEnv: {}, random: Math.random,
      };
      const view = await inspectHost(run);
      return { host: h.name, reachable: true, live: view.state.live, previous: view.state.previous };
    } catch (err) {
      return { host: h.name, reachable: false, error: scrub(err instanceof Error ? err.message : String(err)) };
    } finally {
      remote?.close();
    }
  }));
}

/** Short version text: an image as is, a commit shortened. Pure. */
export function shortVersion(v: string): string {
  return /^[0-9a-f]{40}$/.test(v) ? v.slice(0, 12) : v;
}

/** A table for humans: host, live slot, version, since, previous. Pure. */
export function renderStatus(resource: string, rows: HostStatus[]): string[] {
  const lines = [`${resource}`, 'HOST\tSLOT\tVERSION\tSINCE\tPREVIOUS'];
  for (const r of rows) {
    if (!r.reachable) lines.push(`${r.host}\t-\t-\t-\t(unreachable: ${r.error})`);
    else if (!r.live) lines.push(`${r.host}\t-\t(nothing deployed)\t-\t-`);
    else {
      const ref = r.live.ref ? ` (${r.live.ref})` : '';
      const prev = r.previous ? `${r.previous.slot} ${shortVersion(r.previous.version)}` : '-';
      lines.push(`${r.host}\t${r.live.slot}\t${shortVersion(r.live.version)}${ref}\t${r.live.since || '?'}\t${prev}`);
    }
  }
  return lines;
}
