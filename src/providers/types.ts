/**
 * The narrow provider contract keelson's observe and apply stages talk to. Everything cloud-specific
 * (SDK objects, error bodies, pagination, status texts) stays behind these methods, in the folders
 * `vultr/` and `cloudflare/`; what crosses this seam is the provider-neutral live model.
 *
 * Every method may throw a `ProviderError` (classified once, where it enters). Listing methods either
 * return everything or throw: a partial listing never comes back as a shorter array.
 */
import type { LiveCatalog, LiveRecord, LiveServer, LiveSnapshot, LiveZone } from '../model/live.ts';

/** What `createServer` sends; names from the manifests are already resolved to provider ids. */
export interface ServerCreateInput {
  region: string;
  plan: string;
  image: { osId: number } | { snapshotId: string };
  label: string;
  hostname: string;
  /** All tags, keelson's ownership and operation markers included. */
  tags: string[];
  /** The operation marker tag among `tags`: how a retry or a rerun finds the server this create made. */
  opTag: string;
  sshKeyIds: string[];
  scriptId?: string;
  userData?: string;
  enableIpv6: boolean;
}

/** The fields of a server that change in place (nothing here reinstalls the machine). */
export interface ServerUpdateInput {
  label?: string;
  tags?: string[];
  plan?: string;
}

/**
 * One record as keelson writes it: a live record's fields, except that `comment` is the whole comment,
 * keelson's marker included (a `LiveRecord`'s is the user's part only).
 */
export type RecordInput = Pick<LiveRecord, 'fqdn' | 'type' | 'content' | 'ttl' | 'proxied' | 'priority' | 'comment'> & { tags?: string[] };

/** Record changes for one zone, sent as few calls as the provider allows (Cloudflare: batches). */
export interface RecordChangeSet {
  deletes: string[];
  updates: { id: string; record: RecordInput }[];
  creates: RecordInput[];
}

/** A provider object that has only an id and a name (ssh keys, startup scripts). */
export interface LiveNamed {
  id: string;
  name: string;
}

/** Bytes per UTC day (`YYYY-MM-DD`). */
export type BandwidthUsage = Record<string, { inBytes: number; outBytes: number }>;

/** Vultr-like compute: servers, snapshots and what the provider sells. */
export interface ComputeProvider {
  readonly name: 'vultr';
  /** Every server in the account, in bulk pages. Read-only. */
  listServers(): Promise<LiveServer[]>;
  /** Servers carrying one tag (the provider filters). Read-only; used to find an earlier create. */
  listServersByTag(tag: string): Promise<LiveServer[]>;
  /** One server, for polling install progress; undefined while the provider says 404. */
  getServer(id: string): Promise<LiveServer | undefined>;
  /**
   * Creates a server, idempotently per `input.opTag`: if a server with that tag exists (an earlier
   * attempt, an interrupted run) it is returned instead; an ambiguous failure (the request may have
   * been applied) is resolved by looking for the tag again before another attempt. Safe to repeat.
   * `lookedFirst`: the caller has just looked for the tag itself (one listing for many creates) and
   * found nothing, so the first attempt is sent without a look of its own.
   */
  createServer(input: ServerCreateInput, opts?: { lookedFirst?: boolean }): Promise<LiveServer>;
  /** Changes label, tags or plan in place. Safe to repeat. */
  updateServer(id: string, patch: ServerUpdateInput): Promise<LiveServer>;
  /** Deletes a server; a server already gone counts as deleted. Safe to repeat. */
  deleteServer(id: string): Promise<void>;
  listSnapshots(): Promise<LiveSnapshot[]>;
  /** Starts a snapshot of a server; the description carries keelson's marker. Not idempotent on its own. */
  createSnapshot(serverId: string, description: string): Promise<LiveSnapshot>;
  /** Rewrites a snapshot's description (keelson's marker included). Safe to repeat. */
  updateSnapshot(id: string, description: string): Promise<void>;
  /** A snapshot already gone counts as deleted. Safe to repeat. */
  deleteSnapshot(id: string): Promise<void>;
  /**
   * Regions, plans and where they are sold, OS list, ssh keys, startup scripts. Read-only. Sold-out
   * plans are checked per region for `regions` (default: all); elsewhere a plan's listed locations count.
   */
  catalog(regions?: string[]): Promise<LiveCatalog>;
  /**
   * Uploads an ssh key under `name` (keelson's marker included), at most once in effect: a key already
   * there under exactly that name (an earlier attempt, an interrupted run) is returned instead.
   */
  createSshKey(name: string, publicKey: string): Promise<LiveNamed>;
  /** Rewrites a key's name and text in place. Safe to repeat. */
  updateSshKey(id: string, patch: { name?: string; publicKey?: string }): Promise<void>;
  /** A key already gone counts as deleted. Safe to repeat. */
  deleteSshKey(id: string): Promise<void>;
  /** Like `createSshKey`, for a startup script (plain text here; the provider encodes it). */
  createStartupScript(name: string, script: string, type: 'boot' | 'pxe'): Promise<LiveNamed>;
  updateStartupScript(id: string, patch: { name?: string; script?: string; type?: 'boot' | 'pxe' }): Promise<void>;
  deleteStartupScript(id: string): Promise<void>;
  bandwidth(serverId: string): Promise<BandwidthUsage>;
}

/** Cloudflare-like DNS: zones and their records. */
export interface DnsProvider {
  readonly name: 'cloudflare';
  listZones(): Promise<LiveZone[]>;
  /**
   * Every record of a zone, all pages. Read-only. With `{ marked: true }` the provider is asked for only
   * the records carrying a keelson ownership marker (comment or tag), whoever the owner: a cheap search of
   * zones keelson does not manage for what it left there. It may return more records, never fewer.
   */
  listRecords(zone: LiveZone, filter?: { marked: true }): Promise<LiveRecord[]>;
  /**
   * Applies deletes, then updates, then creates to one zone in as few calls as the provider allows;
   * each call is all-or-nothing. After an ambiguous failure the zone is listed again and only what is
   * still missing is sent, so repeating the same change set converges without duplicates.
   * Returns the records created or updated.
   */
  applyRecordChanges(zone: LiveZone, changes: RecordChangeSet): Promise<LiveRecord[]>;
}

export interface Providers {
  compute: ComputeProvider;
  dns: DnsProvider;
}
