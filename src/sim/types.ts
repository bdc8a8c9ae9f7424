/**
 * The simulated world as plain JSON data: what a seed file holds, what `--state` persists and what
 * `admin.dump()` returns. Provider-shaped field names are kept so views stay thin.
 */

export interface VultrRegion {
  id: string;
  city: string;
  country: string;
  continent: string;
  options: string[];
}

export interface VultrPlan {
  id: string;
  vcpu_count: number;
  ram: number;
  disk: number;
  disk_count: number;
  bandwidth: number;
  monthly_cost: number;
  type: string;
  locations: string[];
}

export interface VultrOs {
  id: number;
  name: string;
  arch: string;
  family: string;
}

export interface VultrSshKey {
  id: string;
  date_created: string;
  name: string;
  ssh_key: string;
}

export interface VultrStartupScript {
  id: string;
  date_created: string;
  date_modified: string;
  name: string;
  type: string;
  script: string;
}

export interface VultrAccount {
  name: string;
  email: string;
  acls: string[];
  balance: number;
  pending_charges: number;
  last_payment_date: string;
  last_payment_amount: number;
}

/** Which install an instance is going through; its visible status is derived from it and the clock. */
export type InstallKind = 'os' | 'snapshot' | 'reinstall' | 'reboot' | 'resize';

/** Stored instance. `status`, `server_status` and the visible IP are derived at read time (see lifecycle.ts). */
export interface SimInstance {
  id: string;
  /** What the instance was installed with; Vultr never reports these, the admin dump shows them for tests. */
  sshKeyIds?: string[];
  scriptId?: string;
  os: string;
  os_id: number;
  app_id: number;
  image_id: string;
  snapshot_id: string;
  plan: string;
  region: string;
  label: string;
  hostname: string;
  tag: string;
  tags: string[];
  date_created: string;
  /** Epoch ms (simulated) of creation; drives the optional 404 window. */
  createdAt: number;
  power_status: 'running' | 'stopped';
  suspended: boolean;
  /** The IPv4 the instance gets once it leaves `pending`; unique, from documentation ranges. */
  ip: string;
  v6_ip: string;
  v6_network: string;
  internal_ip: string;
  firewall_group_id: string;
  features: string[];
  user_scheme: string;
  install: { kind: InstallKind; startedAt: number; durationMs: number };
  /**
   * Reachable mode only: the ports served on the instance's address (default: the simulator's
   * `reachable.ports`). `[]` serves nothing, leaving the address free for a test's own servers.
   */
  ports?: SimPort[];
  /** Bytes per UTC day, settled up to `meteredUntil` (simulated epoch ms). */
  bandwidth: Record<string, { incoming_bytes: number; outgoing_bytes: number }>;
  meteredUntil: number;
}

/** A port a reachable simulated server answers on: HTTP (a health path answering a status) or plain TCP. */
export interface SimPort {
  port: number;
  protocol: 'http' | 'tcp';
  /** HTTP: the health path (default `/health`); other paths answer 404. */
  path?: string;
  /** HTTP: the health path's status (default 200). */
  status?: number;
}

export type SnapshotStatus = 'pending' | 'complete' | 'deleted';

export interface SimSnapshot {
  id: string;
  date_created: string;
  createdAt: number;
  description: string;
  /** Final size in bytes once complete. */
  fullSize: number;
  os_id: number;
  app_id: number;
  readyAt: number;
}

export interface SimReservedIp {
  id: string;
  region: string;
  ip_type: 'v4' | 'v6';
  subnet: string;
  subnet_size: number;
  label: string;
  instance_id: string;
}

/** Cloudflare plan family: decides comment length, tags, batch size and records per zone. */
export type ZonePlan = 'free' | 'pro' | 'business' | 'enterprise';

export interface SimZone {
  id: string;
  name: string;
  plan: ZonePlan;
  status: 'initializing' | 'pending' | 'active' | 'moved';
  created_on: string;
  account: { id: string; name: string };
  name_servers: string[];
  /** Overrides the plan's records-per-zone quota (e.g. for benchmarks). */
  recordQuota?: number;
}

/** A stored Cloudflare DNS record; the response view adds computed fields. */
export interface SimRecord {
  id: string;
  zone_id: string;
  name: string;
  type: string;
  content: string;
  ttl: number;
  proxied: boolean;
  comment: string | null;
  tags: string[];
  priority?: number;
  data?: Record<string, unknown>;
  settings: Record<string, unknown>;
  created_on: string;
  modified_on: string;
  comment_modified_on?: string;
  tags_modified_on?: string;
}

/** A resource that belongs to someone else: keelson must never change it. */
export interface ForeignRef {
  kind: 'instance' | 'snapshot' | 'ssh_key' | 'startup_script' | 'reserved_ip' | 'dns_record' | 'zone';
  id: string;
}

/** The whole world: seed, persisted state and dump share this shape. */
export interface WorldData {
  version: 1;
  /** Simulated epoch ms the state was saved at; the clock resumes from here. */
  clock?: number;
  vultr: {
    account: VultrAccount;
    regions: VultrRegion[];
    plans: VultrPlan[];
    /** Plans currently available per region (a subset of the plans listing that region). */
    availability: Record<string, string[]>;
    os: VultrOs[];
    sshKeys: VultrSshKey[];
    startupScripts: VultrStartupScript[];
    instances: SimInstance[];
    snapshots: SimSnapshot[];
    reservedIps: SimReservedIp[];
  };
  cloudflare: {
    zones: SimZone[];
    records: SimRecord[];
  };
  foreign: ForeignRef[];
  /** Next free host numbers in the documentation ranges. */
  ipCursor: number;
}
