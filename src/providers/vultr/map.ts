/**
 * Mapping between Vultr's objects and keelson's live model. Quirks are normalized here, once:
 * `main_ip` 0.0.0.0 means "no address yet", tags come back sorted with keelson's markers parsed,
 * IPv6 is written in canonical form, names are lowercase.
 */
import { isIPv6 } from 'node:net';
import type { InstallState, LiveServer, LiveSnapshot, PowerState, ServerState } from '../../model/live.ts';
import { parseServerTags, parseSnapshotDescription } from '../../model/ownership.ts';
import { canonicalIpv6 } from '../../model/normalize.ts';
import type { ServerCreateInput } from '../types.ts';
import type { VultrCreateInstance, VultrInstance, VultrSnapshot } from './client.ts';

const SERVER_STATES: readonly ServerState[] = ['pending', 'active', 'suspended', 'resizing'];
const INSTALL_STATES: readonly InstallState[] = ['none', 'locked', 'installingbooting', 'ok'];

function oneOf<T extends string>(v: string, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

function address(ip: string | undefined, family: 4 | 6): string | undefined {
  if (!ip || ip === '0.0.0.0' || ip === '::') return undefined;
  if (family === 6) return isIPv6(ip) ? canonicalIpv6(ip) : undefined;
  return ip;
}

export function toLiveServer(i: VultrInstance): LiveServer {
  const tags = [...new Set(i.tags ?? (i.tag ? [i.tag] : []))].sort();
  const { marks } = parseServerTags(tags);
  const server: LiveServer = {
    provider: 'vultr',
    id: i.id,
    label: i.label ?? '',
    hostname: (i.hostname ?? '').toLowerCase(),
    region: i.region,
    plan: i.plan,
    osName: i.os,
    osId: Number(i.os_id),
    tags,
    status: oneOf(i.status, SERVER_STATES, 'pending'),
    power: (i.power_status === 'running' ? 'running' : 'stopped') satisfies PowerState,
    install: oneOf(i.server_status, INSTALL_STATES, 'none'),
    createdAt: i.date_created,
  };
  const v4 = address(i.main_ip, 4);
  if (v4) server.ipv4 = v4;
  const v6 = address(i.v6_main_ip, 6);
  if (v6) server.ipv6 = v6;
  if (marks?.createHash) server.createHash = marks.createHash;
  if (marks) server.ownership = marks.ownership;
  return server;
}

export function toLiveSnapshot(s: VultrSnapshot): LiveSnapshot {
  const snap: LiveSnapshot = {
    provider: 'vultr',
    id: s.id,
    description: s.description ?? '',
    status: oneOf(s.status, ['pending', 'complete', 'deleted'] as const, 'pending'),
    sizeBytes: Number(s.size ?? 0),
    createdAt: s.date_created,
  };
  const { ownership } = parseSnapshotDescription(snap.description);
  if (ownership) snap.ownership = ownership;
  return snap;
}

/** The create body; the SDK wants `os_id` as a string and drops false booleans by itself. */
export function toCreateBody(input: ServerCreateInput): VultrCreateInstance {
  const body: VultrCreateInstance = {
    region: input.region,
    plan: input.plan,
    label: input.label,
    hostname: input.hostname,
    tags: [...input.tags],
  };
  if ('osId' in input.image) body.os_id = String(input.image.osId);
  else body.snapshot_id = input.image.snapshotId;
  if (input.sshKeyIds.length > 0) body.sshkey_id = [...input.sshKeyIds];
  if (input.scriptId) body.script_id = input.scriptId;
  if (input.userData) body.user_data = Buffer.from(input.userData, 'utf8').toString('base64');
  if (input.enableIpv6) body.enable_ipv6 = true;
  return body;
}

