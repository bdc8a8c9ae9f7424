/**
 * The plan's value types: what `planChanges` returns, what `checkPlan` judges, what the renderers
 * print, what a saved plan file holds and what the executor runs. Plain JSON data only (no Maps, no
 * classes), so a plan round-trips through a file unchanged. Provider-neutral: the executor maps each
 * payload to provider calls.
 */
import type { LiveRecord, LiveServer, LiveSnapshot, Ownership } from '../model/live.ts';
import type { RecordType, Ttl } from '../model/types.ts';

export type ChangeAction = 'create' | 'update' | 'replace' | 'delete';
export type ChangeKind = 'Server' | 'Snapshot' | 'DNSRecord' | 'SSHKey' | 'StartupScript';

/**
 * A replace is two changes that share `action: 'replace'` and the resource's name:
 * `create-new` (id `Server/<name>#replace`) creates the successor and waits until it is installed;
 * `destroy-old` (id `Server/<name>#replace-destroy`) deletes the predecessor and depends on every
 * record change that moves an address away from it. Counts see one replace per resource.
 */
export type ReplacePhase = 'create-new' | 'destroy-old';

/** One field's change. Sensitive values (user data) appear only as a hash. */
export interface FieldChange {
  field: string;
  from?: unknown;
  to?: unknown;
  /** This field alone would force a replacement. */
  forcesReplace?: boolean;
  /** `from`/`to` are `sha256:…` digests, never the value. */
  sensitive?: boolean;
}

/** A record's content that is only known at apply time: the address of a server created in the same plan. */
export interface AddressRef {
  server: string;
  family: 4 | 6;
}

export type RecordContent = string | AddressRef;

/** A record as keelson wants it at the provider. `comment` and `tags` already carry the ownership marker. */
export interface DesiredRecord {
  fqdn: string;
  type: RecordType;
  content: RecordContent;
  ttl: Ttl;
  proxied: boolean;
  priority?: number;
  comment: string;
  tags: string[];
}

/** The OS by id (resolved against the catalog when it could be), or a snapshot by manifest name. */
export type ImageRequest =
  | { os: string; osId?: number }
  /** `snapshotId` is absent when the snapshot is created in the same plan: resolve it by name at apply time. */
  | { snapshot: string; snapshotId?: string; waitForComplete: boolean };

/**
 * A Server's ssh key or startup script by name: `managed` when an SSHKey / StartupScript manifest
 * declares it (found by its ownership marker), otherwise a key or script uploaded by hand (found by
 * its exact provider name). `id` is absent when it is created in the same plan.
 */
export interface ProviderRef {
  name: string;
  id?: string;
  managed?: boolean;
}

/** What an ssh key or startup script change writes; `providerName` carries the ownership marker. */
export interface KeyRequest {
  /** Manifest name. */
  name: string;
  providerName: string;
  /** SSHKey: the public key line. */
  publicKey?: string;
  /** StartupScript: the script text (sensitive: renderers show its digest) and its type. */
  script?: string;
  type?: 'boot' | 'pxe';
}

/** Everything a provider needs to create a server; ids are resolved from the catalog at plan time. */
export interface ServerCreateRequest {
  name: string;
  region: string;
  plan: string;
  image: ImageRequest;
  hostname: string;
  label: string;
  sshKeys: ProviderRef[];
  startupScript?: ProviderRef;
  /** The only secret-bearing field: renderers show its hash, never the text. */
  userData?: string;
  enableIpv6: boolean;
  /** User tags plus keelson's ownership tags (`formatServerTags`). */
  tags: string[];
  createHash: string;
  /** Operation id, also in the tags: a retried create finds the server it already made. */
  op: string;
  ownership: Ownership;
}

/** Only the fields that change. `tags` is the full set to write, ownership tags included. */
export interface ServerPatch {
  plan?: string;
  label?: string;
  tags?: string[];
}

export interface SnapshotCreateRequest {
  name: string;
  /** The source server's provider id, or absent when it is created in the same plan (resolve `fromServer` by name). */
  instanceId?: string;
  fromServer: string;
  /** Full description, ownership marker included. */
  description: string;
  op: string;
}

export type ChangePayload =
  | { op: 'server.create'; request: ServerCreateRequest }
  /** Phase create-new of a replace: like a create, with `request.ownership.successorOf` = `old.id`. */
  | { op: 'server.replace'; request: ServerCreateRequest; old: LiveServer }
  | { op: 'server.update'; serverId: string; patch: ServerPatch; live: LiveServer }
  /** A delete, or phase destroy-old of a replace. */
  | { op: 'server.delete'; server: LiveServer }
  | { op: 'snapshot.create'; request: SnapshotCreateRequest }
  | { op: 'snapshot.update'; snapshotId: string; description: string; live: LiveSnapshot }
  | { op: 'snapshot.delete'; snapshot: LiveSnapshot }
  | { op: 'record.create'; zoneId: string; zone: string; record: DesiredRecord }
  | { op: 'record.update'; zoneId: string; zone: string; recordId: string; record: DesiredRecord; live: LiveRecord }
  | { op: 'record.delete'; zoneId: string; zone: string; record: LiveRecord }
  | { op: 'sshkey.create' | 'script.create'; request: KeyRequest }
  | { op: 'sshkey.update' | 'script.update'; id: string; request: KeyRequest }
  | { op: 'sshkey.delete' | 'script.delete'; id: string; providerName: string };

/** Why a record delete is guarded: the last A/AAAA record of a name (see safety). */
export interface LastAddressGuard {
  fqdn: string;
  /** `removed`: the name's address records are gone from the manifests; `emptied`: still declared, but resolved to nothing. */
  intent: 'removed' | 'emptied';
}

/** One step of a plan: a small value, compared and printed as data. */
export interface Change {
  /** Stable within a plan: `Server/web-ewr#create`, `DNSRecord/www.example.com A 192.0.2.1#delete`. */
  id: string;
  action: ChangeAction;
  kind: ChangeKind;
  /** Manifest name; for records `fqdn TYPE value`. */
  name: string;
  /** A sentence for humans, naming what forced a replacement. */
  reason: string;
  fields: FieldChange[];
  /** Change ids that must finish first. */
  dependsOn: string[];
  /** `file:line` of the manifest, when the change comes from one. */
  source?: string;
  phase?: ReplacePhase;
  /** The resource is protected (`protect: true` or the live protect tag): safety refuses a replace or delete. */
  protected?: boolean;
  guard?: LastAddressGuard;
  payload: ChangePayload;
}

/** A resource keelson saw but does not own: reported, never changed. */
export interface UnmanagedResource {
  kind: ChangeKind;
  id: string;
  name: string;
  /** `no keelson marker` or `owned by <owner>`. */
  reason: string;
}

export type ActionCounts = Record<ChangeAction, number>;

export interface PlanCounts extends ActionCounts {
  byKind: Record<ChangeKind, ActionCounts>;
}

/** Per kind: how many owned live resources there are, and how many the manifests want (for safety). */
export type KindStats = Record<ChangeKind, { liveOwned: number; desired: number }>;

export interface SafetyLimits {
  maxChangePercent: number;
  minCountForPercent: number;
}

/**
 * Work a crashed or killed run left half done, which `apply` finishes (through its workflow) before
 * it plans anything else. Not a change: nothing is decided here, the workflow reads its progress
 * back from the provider.
 */
export interface WorkInProgress {
  kind: 'Server';
  name: string;
  workflow: 'rebuild';
  /** The serving instance being replaced, and its successor. */
  from: string;
  to: string;
}

/** A computed plan. `checksum` covers everything except `createdAt` and itself. */
export interface Plan {
  formatVersion: 1;
  owner: string;
  createdAt: string;
  revision?: string;
  /** In an order that satisfies every `dependsOn`. */
  changes: Change[];
  unmanaged: UnmanagedResource[];
  counts: PlanCounts;
  warnings: string[];
  /** Half-done work apply finishes first (present only when there is some); `plan` exits 2 when there is any. */
  inProgress?: WorkInProgress[];
  /** Catalog and reference problems; a plan with problems is refused before apply. */
  problems: PlanProblem[];
  safety: SafetyLimits;
  stats: KindStats;
  /** Fingerprint id (`Server:<id>`, `DNSRecord:<zoneId>/<id>`, ...) → hash of every live object read. */
  fingerprints: Record<string, string>;
  /** Fingerprint id → a readable name, for staleness messages. */
  fingerprintNames: Record<string, string>;
  /** What a new live object must sit at to make a saved plan stale (absent in plans saved before it existed). */
  scope?: PlanScope;
  checksum: string;
}

/** The zones and record sets a plan depends on besides its owner's marked objects (see `src/plan/scope.ts`). */
export interface PlanScope {
  /** Zone names, lowercase: the manifests' zones and those the plan changes records in. */
  zones: string[];
  /** `fqdn TYPE` of every record set declared or changed; an address name lists both A and AAAA. */
  records: string[];
}

/** A `Problem` (see src/errors.ts) as plain data. */
export interface PlanProblem {
  file: string;
  line: number;
  col: number;
  path: string;
  resource?: string;
  message: string;
}

/** What `planChanges` needs beyond desired and live. */
export interface PlanOptions {
  owner: string;
  safety?: Partial<SafetyLimits>;
  /** Defaults to the live state's `observedAt`, which keeps planning a pure function. */
  createdAt?: string;
  revision?: string;
}
