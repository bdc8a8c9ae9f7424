/**
 * The resource model every stage shares, in its normalized form: what `loadProject` returns after
 * schema validation, defaults and cross-document rules. Provider-specific types never appear here.
 */
import type { ManifestKind } from './schemas/build.ts';

export type { ManifestKind };

/** Where a document came from; problems and plans point back here. */
export interface SourceRef {
  file: string;
  line: number;
  col: number;
}

export interface Metadata {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Milliseconds, parsed from duration strings such as "30s". */
export type Millis = number;
/** A TTL in seconds, or 'auto' (Cloudflare's automatic TTL, sent as 1). */
export type Ttl = number | 'auto';

export interface HealthCheck {
  type: 'http' | 'tcp';
  port: number;
  path: string;
  expectStatus: number;
  interval: Millis;
  timeout: Millis;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

/** SSH settings: the manifest's fields over keelson.yaml's `defaults.ssh` over the schema defaults. */
export interface SshSettings {
  user: string;
  port: number;
  /** Absolute (a relative path in the manifest is resolved against the repository root). */
  keyFile?: string;
  keyFileEnv?: string;
  keyEnv?: string;
  passphraseEnv?: string;
  agent: boolean;
  /** Absolute; default `<root>/.keelson/known_hosts`. */
  knownHostsFile: string;
  connectTimeout: Millis;
  commandTimeout: Millis;
}

export interface Webhook {
  url: string;
  method: 'POST' | 'PUT';
  headers: Record<string, string>;
  headersFromEnv: Record<string, string>;
  signingSecretEnv?: string;
  timeout: Millis;
}

export interface Selector {
  matchLabels: Record<string, string>;
}

export type ServerImage = { os: string } | { snapshot: string };

export interface ServerDns {
  zone: string;
  name: string;
  type: 'A' | 'AAAA';
  ttl?: Ttl;
  proxied: boolean;
}

export type DestroyHook =
  | { name: string; webhook: Webhook }
  | { name: string; ssh: { host: string; ssh: SshSettings; command: string } };

export interface RebuildPolicy {
  schedule?: string;
  timezone: string;
  window?: { start: string; end: string };
  jitter: Millis;
  rotateRegions: boolean;
  /** Regions to rotate through: the pool's, or the policy's own list. */
  regions: string[];
  snapshot?: string;
  freshSnapshot: boolean;
  drain?: Millis;
  installTimeout: Millis;
}

/** Limits on rebuilds running at once (keelson.yaml `rebuilds`). */
export interface RebuildLimits {
  maxConcurrent: number;
  maxPerRegion: number;
}

/** Defaults for `RebuildLimits`, the same as the schema's. */
export const DEFAULT_REBUILD_LIMITS: RebuildLimits = { maxConcurrent: 10, maxPerRegion: 5 };

export interface ServerSpec {
  provider: 'vultr';
  /** The resolved region (the pool's first region when only a pool is named). */
  region: string;
  regionPool?: string;
  plan: string;
  image: ServerImage;
  hostname?: string;
  sshKeys: string[];
  startupScript?: string;
  userData?: string;
  enableIpv6: boolean;
  tags: string[];
  protect: boolean;
  healthCheck?: HealthCheck;
  dns: ServerDns[];
  rebuild?: RebuildPolicy;
  bandwidth?: { monthlyLimitGB: number };
  destroyHooks: DestroyHook[];
}

export interface SnapshotSpec {
  provider: 'vultr';
  fromServer: string;
  description?: string;
  refresh?: { schedule: string; timezone: string };
  keep: number;
  protect: boolean;
}

export interface RegionPoolSpec {
  provider: 'vultr';
  regions: string[];
}

export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'MX' | 'NS' | 'SRV' | 'CAA';

export interface FailoverPolicy {
  check: HealthCheck;
  minHealthy: number;
  /** A removed target stays out at least this long (ms). */
  holdDown: Millis;
  scheme: 'http' | 'https';
  tlsVerify: boolean;
  notify: string[];
}

/** Where a record set's values come from. */
export type RecordSource =
  | { values: string[] }
  | { servers: string[] }
  | { serverSelector: Selector };

export interface DnsRecordSpec {
  /** Fully qualified, lowercase, no trailing dot. */
  fqdn: string;
  /** As written in the manifest (for messages). */
  name: string;
  type: RecordType;
  ttl: Ttl;
  proxied: boolean;
  source: RecordSource;
  priority?: number;
  comment?: string;
  failover?: FailoverPolicy;
  /** Where the record came from: a DNSZone's records, or a Server's `dns`. */
  declaredBy: { kind: 'DNSZone' | 'Server'; name: string; path: string };
}

export interface DnsZoneSpec {
  provider: 'cloudflare';
  zone: string;
  defaultTtl: Ttl;
  /** The zone's own records plus the records Servers declare in it through `spec.dns`. */
  records: DnsRecordSpec[];
}

export interface DeployHost {
  name: string;
  address: string;
  port: number;
}

export type DeploymentTargets = { servers: string[] } | { selector: Selector } | { hosts: DeployHost[] };

export interface ContainerSource {
  image: string;
  runtime: 'auto' | 'podman' | 'docker';
  containerPort: number;
  pull: 'always' | 'missing' | 'never';
  env: Record<string, string>;
  envFrom: Record<string, string>;
  args: string[];
  runOptions: string[];
  /** Default 20000..20999. */
  portRange: { from: number; to: number };
}

export interface GitSource {
  repo: string;
  ref: string;
  root: string;
  slots: [{ name: string; port: number }, { name: string; port: number }];
  build?: string;
  start: string;
  env: Record<string, string>;
  envFrom: Record<string, string>;
}

export interface DeploymentSpec {
  targets: DeploymentTargets;
  ssh: SshSettings;
  source: { container: ContainerSource } | { git: GitSource };
  health: { path: string; expectStatus: number; interval: Millis; timeout: Millis; deadline: Millis };
  proxy: { nginx: { upstreamFile: string; upstreamName: string; command: string; verifyUrl?: string } };
  strategy: { maxParallel: number; drain: Millis; keepPrevious: boolean; lockTtl: Millis };
  notify: string[];
}

export type NotifierFormat = 'keelson' | 'ntfy' | 'pushover' | 'slack' | 'discord';
/** An ssh public key keelson uploads and keeps (Vultr ssh key). */
export interface SshKeySpec {
  provider: 'vultr';
  /** One OpenSSH public key line, whitespace collapsed (from `publicKey`, or read from `publicKeyFile`). */
  publicKey: string;
  /** The repository-relative file it was read from, as written in the manifest. */
  file?: string;
}

/** A startup script keelson uploads and keeps (Vultr startup script). */
export interface StartupScriptSpec {
  provider: 'vultr';
  type: 'boot' | 'pxe';
  /** The script text (from `script`, or read from `scriptFile`). */
  script: string;
  file?: string;
}

export interface NotifierSpec {
  webhook: Webhook;
  events: string[];
  /** Absent means `keelson` (the signed JSON event). */
  format?: NotifierFormat;
  pushover?: { tokenEnv: string; userEnv: string };
}

interface Doc<K extends ManifestKind, S> {
  kind: K;
  metadata: Metadata;
  spec: S;
  source: SourceRef;
}

export type ServerDoc = Doc<'Server', ServerSpec>;
export type SnapshotDoc = Doc<'Snapshot', SnapshotSpec>;
export type RegionPoolDoc = Doc<'RegionPool', RegionPoolSpec>;
export type DnsZoneDoc = Doc<'DNSZone', DnsZoneSpec>;
export type DeploymentDoc = Doc<'Deployment', DeploymentSpec>;
export type NotifierDoc = Doc<'Notifier', NotifierSpec>;
export type SshKeyDoc = Doc<'SSHKey', SshKeySpec>;
export type StartupScriptDoc = Doc<'StartupScript', StartupScriptSpec>;
export type ManifestDoc = ServerDoc | SnapshotDoc | RegionPoolDoc | DnsZoneDoc | DeploymentDoc | NotifierDoc | SshKeyDoc | StartupScriptDoc;

/** The desired state, by kind and name. */
export interface Manifests {
  servers: Map<string, ServerDoc>;
  snapshots: Map<string, SnapshotDoc>;
  regionPools: Map<string, RegionPoolDoc>;
  dnsZones: Map<string, DnsZoneDoc>;
  deployments: Map<string, DeploymentDoc>;
  notifiers: Map<string, NotifierDoc>;
  sshKeys: Map<string, SshKeyDoc>;
  startupScripts: Map<string, StartupScriptDoc>;
}

export interface ProjectConfig {
  /** Absolute path of the repository root (where keelson.yaml is). */
  root: string;
  owner: string;
  /** Absolute path of the manifests folder. */
  manifestsDir: string;
  providers: {
    vultr: { apiKeyEnv: string; baseUrlEnv: string; requestsPerSecond: number };
    cloudflare: { apiTokenEnv: string; baseUrlEnv: string; requestsPerFiveMinutes: number };
  };
  safety: { maxChangePercent: number; minCountForPercent: number };
  rebuilds: RebuildLimits;
  defaults: { region?: string; sshKeys: string[]; dnsTtl: Ttl; ssh: SshSettings };
  lock: LockConfig;
}

/** keelson.yaml `lock:`, defaults filled in (renew is a quarter of the ttl unless given). */
export interface LockConfig {
  backend: 'git' | 'none';
  remote: string;
  ref: string;
  ttlMs: Millis;
  renewMs: Millis;
  waitMs: Millis;
}
