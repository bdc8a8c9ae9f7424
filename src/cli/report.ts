/**
 * How validation results read on a terminal: one line per problem, coloured only when the stream
 * is a terminal and NO_COLOR is unset, and a short summary of what a repository declares.
 */
import { formatLocation, type Problem } from '../errors.ts';
import { useColor } from '../log.ts';
import type { Manifests } from '../model/types.ts';
import { scrub } from '../secrets.ts';

export interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
}

/** ANSI colours for `stream`, or plain text when colour is off. */
export function paintFor(stream: NodeJS.WritableStream): Paint {
  const on = useColor(stream);
  const wrap = (code: number) => (s: string): string => (on ? `\u001b[${code}m${s}\u001b[39m` : s);
  return { red: wrap(31), yellow: wrap(33), green: wrap(32), dim: (s) => (on ? `\u001b[2m${s}\u001b[22m` : s) };
}

/** `file:line:col [Kind/name] path: error: message`. */
export function problemLine(p: Problem, level: 'error' | 'warning', paint: Paint): string {
  const tag = level === 'error' ? paint.red('error') : paint.yellow('warning');
  return scrub(`${formatLocation(p)}: ${tag}: ${p.message}`);
}

const KIND_LABELS: [keyof Manifests, string][] = [
  ['regionPools', 'RegionPool'],
  ['servers', 'Server'],
  ['snapshots', 'Snapshot'],
  ['dnsZones', 'DNSZone'],
  ['deployments', 'Deployment'],
  ['notifiers', 'Notifier'],
  ['sshKeys', 'SSHKey'],
  ['startupScripts', 'StartupScript'],
];

/** Counts and names per kind, as data (for --json). */
export function countManifests(m: Manifests): Record<string, { count: number; names: string[] }> {
  return Object.fromEntries(KIND_LABELS.map(([key, kind]) => [kind, { count: m[key].size, names: [...m[key].keys()] }]));
}

/** One line per kind that has documents: `3 Server: a, b, c`, plus the DNS records in total. */
export function summarizeManifests(m: Manifests): string[] {
  const lines = KIND_LABELS.filter(([key]) => m[key].size > 0).map(([key, kind]) => `${m[key].size} ${kind}: ${[...m[key].keys()].join(', ')}`);
  const records = [...m.dnsZones.values()].reduce((n, z) => n + z.spec.records.length, 0);
  if (records > 0) lines.push(`${records} DNS record set(s) in all, including those Servers declare`);
  return lines;
}
