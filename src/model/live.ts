/**
 * The live state keelson observes at the providers, in provider-neutral form. Providers map their
 * own objects (VultrInstance, CfDnsRecord, ...) into these types inside their folders; the planner
 * reads only these. Normalization of provider quirks (TTL 1 = auto, 0.0.0.0 = no address yet, case,
 * trailing dots, tag order) happens in the mapping, so the planner compares like with like.
 */
import type { RecordType, Ttl } from './types.ts';

/** What keelson's ownership marker says about a resource; absent when the resource is not keelson's. */
export interface Ownership {
  owner: string;
  /** metadata.name of the manifest the resource belongs to (a Server, a Snapshot, a DNSZone). */
  name: string;
  /** Operation id of the create that made it (idempotent creates, rebuilds). */
  op?: string;
  /** For a rebuild's new server: the provider id of the server it replaces. */
  successorOf?: string;
}

export type ServerState = 'pending' | 'active' | 'suspended' | 'resizing';
export type PowerState = 'running' | 'stopped';
export type InstallState = 'none' | 'locked' | 'installingbooting' | 'ok';

export interface LiveServer {
  provider: 'vultr';
  id: string;
  label: string;
  hostname: string;
  region: string;
  plan: string;
  /** Operating system as the provider names it ("Ubuntu 24.04 LTS x64"), or "Snapshot". */
  osName: string;
  osId: number;
  /** Provider tags, sorted, keelson's own ownership tags included. */
  tags: string[];
  status: ServerState;
  power: PowerState;
  install: InstallState;
  /** The public IPv4 address; absent while the provider still reports 0.0.0.0. */
  ipv4?: string;
  ipv6?: string;
  createdAt: string;
  /** Create-time inputs the provider cannot report back (ssh keys, script, user data, snapshot): a hash keelson stored in a tag. */
  createHash?: string;
  ownership?: Ownership;
}

export interface LiveSnapshot {
  provider: 'vultr';
  id: string;
  description: string;
  status: 'pending' | 'complete' | 'deleted';
  sizeBytes: number;
  createdAt: string;
  ownership?: Ownership;
}

export type ZonePlan = 'free' | 'pro' | 'business' | 'enterprise';

export interface LiveZone {
  provider: 'cloudflare';
  id: string;
  /** The zone's domain, lowercase. */
  name: string;
  plan: ZonePlan;
}

export interface LiveRecord {
  provider: 'cloudflare';
  id: string;
  zoneId: string;
  /** Fully qualified, lowercase, no trailing dot. */
  fqdn: string;
  type: RecordType | string;
  /** Normalized content (addresses canonical, names lowercase without trailing dot). */
  content: string;
  ttl: Ttl;
  proxied: boolean;
  priority?: number;
  /** The user's part of the comment, keelson's marker removed. */
  comment?: string;
  tags: string[];
  ownership?: Ownership;
}

/** What the provider sells and knows, for plan-time checks of names in the manifests. */
export interface LiveCatalog {
  regions: { id: string; city: string; country: string }[];
  /** Plan id → regions where it is sold. */
  plans: Map<string, Set<string>>;
  os: { id: number; name: string }[];
  /** Every ssh key of the account; `name` carries keelson's marker on the ones it manages. */
  sshKeys: { id: string; name: string; publicKey?: string }[];
  /** Every startup script (Vultr lists them without bodies; a managed one's marker carries its digest). */
  startupScripts: { id: string; name: string; type?: 'boot' | 'pxe' }[];
}

/** One consistent observation of everything keelson may plan against. A partial observation is an error, never a LiveState. */
export interface LiveState {
  servers: LiveServer[];
  snapshots: LiveSnapshot[];
  zones: LiveZone[];
  records: LiveRecord[];
  catalog: LiveCatalog;
  observedAt: string;
}
