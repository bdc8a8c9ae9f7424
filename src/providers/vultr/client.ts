/**
 * A typed, narrow client over @vultr/vultr-node: only the calls keelson uses, each wrapped so that a
 * resolved `Error` becomes a thrown, classified `ProviderError`, every attempt draws from the Vultr
 * rate budget, and lists follow cursors at 500 per page. The SDK is all `any`; nothing untyped leaves
 * this file.
 */
import { createRequire } from 'node:module';
import { ProviderError } from '../../errors.ts';
import type { RateBudget } from '../rate-budget.ts';
import { callProvider, type RetryPolicy } from '../retry.ts';
import { noteVultrEndpoint } from '../contact-guard.ts';
import { classifyVultrError } from './errors.ts';

export interface VultrInstance {
  id: string;
  os: string;
  os_id: number;
  region: string;
  plan: string;
  label: string;
  hostname: string;
  tags?: string[];
  tag?: string;
  main_ip: string;
  v6_main_ip?: string;
  status: string;
  power_status: string;
  server_status: string;
  date_created: string;
}

export interface VultrSnapshot {
  id: string;
  description: string;
  status: string;
  size: number;
  date_created: string;
}

export interface VultrCreateInstance {
  region: string;
  plan: string;
  os_id?: string;
  snapshot_id?: string;
  label: string;
  hostname: string;
  tags: string[];
  sshkey_id?: string[];
  script_id?: string;
  user_data?: string;
  enable_ipv6?: boolean;
}

export interface VultrPatchInstance {
  label?: string;
  tags?: string[];
  plan?: string;
}

export interface VultrSshKey {
  id: string;
  name: string;
  ssh_key: string;
}

export interface VultrStartupScript {
  id: string;
  name: string;
  type?: string;
}

interface Page<T> {
  items: T[];
  next: string;
}

type SdkFn = (params?: Record<string, unknown>) => Promise<unknown>;

export interface VultrClientOptions {
  apiKey: string;
  /** Must include `/v2`. */
  baseUrl?: string;
  budget: RateBudget;
  retry: RetryPolicy;
  /** The SDK has no timeout of its own: a call unanswered this long counts as a dropped connection. */
  timeoutMs?: number;
  /** How long a 429 holds the Vultr budget (the SDK hides Vultr's retry-after); default 1 s. */
  rateLimitWaitMs?: number;
}

export interface VultrClient {
  listInstances(filter?: { tag?: string }): Promise<VultrInstance[]>;
  getInstance(id: string): Promise<VultrInstance | undefined>;
  createInstance(body: VultrCreateInstance): Promise<VultrInstance>;
  updateInstance(id: string, body: VultrPatchInstance): Promise<VultrInstance>;
  deleteInstance(id: string): Promise<void>;
  bandwidth(id: string): Promise<Record<string, { incoming_bytes: number; outgoing_bytes: number }>>;
  listSnapshots(): Promise<VultrSnapshot[]>;
  createSnapshot(instanceId: string, description: string): Promise<VultrSnapshot>;
  updateSnapshot(id: string, description: string): Promise<void>;
  deleteSnapshot(id: string): Promise<void>;
  listRegions(): Promise<{ id: string; city: string; country: string }[]>;
  listPlans(): Promise<{ id: string; locations: string[] }[]>;
  regionAvailability(region: string): Promise<string[]>;
  listOs(): Promise<{ id: number; name: string }[]>;
  listSshKeys(): Promise<VultrSshKey[]>;
  createSshKey(name: string, sshKey: string): Promise<VultrSshKey>;
  updateSshKey(id: string, body: { name?: string; ssh_key?: string }): Promise<void>;
  deleteSshKey(id: string): Promise<void>;
  listStartupScripts(): Promise<VultrStartupScript[]>;
  /** `script` is base64, as Vultr wants it. */
  createStartupScript(body: { name: string; script: string; type: string }): Promise<VultrStartupScript>;
  updateStartupScript(id: string, body: { name?: string; script?: string; type?: string }): Promise<void>;
  deleteStartupScript(id: string): Promise<void>;
}

const PER_PAGE = '500';

export function createVultrClient(opts: VultrClientOptions): VultrClient {
  // A simulator's server addresses are made up: the guard must know before anyone contacts one.
  noteVultrEndpoint({ baseUrl: opts.baseUrl });
  // The SDK is CommonJS and untyped: one cast here, typed methods everywhere else. Required here, not
  // at start-up, so a verb that never talks to Vultr never loads it.
  const sdk = (createRequire(import.meta.url)('@vultr/vultr-node') as { initialize(c: { apiKey: string; baseUrl?: string }): Record<string, Record<string, SdkFn>> })
    .initialize({ apiKey: opts.apiKey, baseUrl: opts.baseUrl });

  function fn(group: string, method: string): SdkFn {
    const f = sdk[group]?.[method];
    if (!f) throw new Error(`@vultr/vultr-node has no ${group}.${method}`);
    return f;
  }

  async function call(operation: string, group: string, method: string, params: Record<string, unknown> | undefined, idempotent: boolean, resource?: string): Promise<unknown> {
    const f = fn(group, method);
    return callProvider(
      async () => {
        const out = await withTimeout(f(params), opts.timeoutMs ?? 60_000);
        // The SDK resolves failures instead of rejecting them.
        if (out instanceof Error) throw out;
        return out;
      },
      { budget: opts.budget, policy: opts.retry, idempotent, classify: (err) => classifyVultrError(err, operation, resource, opts.rateLimitWaitMs) },
    );
  }

  async function listAll<T>(operation: string, group: string, method: string, key: string, extra: Record<string, unknown> = {}): Promise<T[]> {
    const out: T[] = [];
    let cursor = '';
    const seen = new Set<string>();
    for (;;) {
      const params: Record<string, unknown> = { ...extra, per_page: PER_PAGE };
      if (cursor) params.cursor = cursor;
      const page = readPage<T>(await call(operation, group, method, params, true), key, operation);
      out.push(...page.items);
      if (!page.next) return out;
      // A cursor seen twice would loop forever; treat it as a broken listing, never as "done".
      if (seen.has(page.next)) throw classifyVultrError(new Error(`cursor ${page.next} repeated`), operation);
      seen.add(page.next);
      cursor = page.next;
    }
  }

  return {
    listInstances: (filter) => listAll<VultrInstance>('list instances', 'instances', 'listInstances', 'instances', filter?.tag ? { tag: filter.tag } : {}),
    async getInstance(id) {
      try {
        const body = await call('get instance', 'instances', 'getInstance', { 'instance-id': id }, true, id);
        return field<VultrInstance>(body, 'instance', 'get instance');
      } catch (err) {
        // Right after a create Vultr may say 404 for a while; the caller keeps polling.
        if (err instanceof ProviderError && err.reason === 'missing') return undefined;
        throw err;
      }
    },
    async createInstance(body) {
      const out = await call('create instance', 'instances', 'createInstance', { ...body }, false, body.label);
      return field<VultrInstance>(out, 'instance', 'create instance');
    },
    async updateInstance(id, body) {
      const out = await call('update instance', 'instances', 'updateInstance', { 'instance-id': id, ...body }, true, id);
      return field<VultrInstance>(out, 'instance', 'update instance');
    },
    async deleteInstance(id) {
      await call('delete instance', 'instances', 'deleteInstance', { 'instance-id': id }, true, id);
    },
    async bandwidth(id) {
      const out = await call('get bandwidth', 'instances', 'getInstanceBandwidth', { 'instance-id': id }, true, id);
      return field(out, 'bandwidth', 'get bandwidth');
    },
    listSnapshots: () => listAll<VultrSnapshot>('list snapshots', 'snapshots', 'listSnapshots', 'snapshots'),
    async createSnapshot(instanceId, description) {
      const out = await call('create snapshot', 'snapshots', 'createSnapshot', { instance_id: instanceId, description }, false, instanceId);
      return field<VultrSnapshot>(out, 'snapshot', 'create snapshot');
    },
    async updateSnapshot(id, description) {
      await call('update snapshot', 'snapshots', 'updateSnapshot', { 'snapshot-id': id, description }, true, id);
    },
    async deleteSnapshot(id) {
      await call('delete snapshot', 'snapshots', 'deleteSnapshot', { 'snapshot-id': id }, true, id);
    },
    listRegions: () => listAll('list regions', 'regions', 'listRegions', 'regions'),
    listPlans: () => listAll('list plans', 'plans', 'listPlans', 'plans'),
    async regionAvailability(region) {
      const out = await call('list availability', 'regions', 'listAvailableComputeInRegion', { 'region-id': region }, true, region);
      return field<string[]>(out, 'available_plans', 'list availability');
    },
    listOs: () => listAll('list os', 'operatingSystems', 'listImages', 'os'),
    listSshKeys: () => listAll<VultrSshKey>('list ssh keys', 'sshKeys', 'listSshKeys', 'ssh_keys'),
    async createSshKey(name, sshKey) {
      const out = await call('create ssh key', 'sshKeys', 'createSshKey', { name, ssh_key: sshKey }, false, name);
      return field<VultrSshKey>(out, 'ssh_key', 'create ssh key');
    },
    async updateSshKey(id, body) {
      await call('update ssh key', 'sshKeys', 'updateSshKey', { 'ssh-key-id': id, ...body }, true, id);
    },
    async deleteSshKey(id) {
      await call('delete ssh key', 'sshKeys', 'deleteSshKey', { 'ssh-key-id': id }, true, id);
    },
    listStartupScripts: () => listAll<VultrStartupScript>('list startup scripts', 'startupScripts', 'listStartupScripts', 'startup_scripts'),
    async createStartupScript(body) {
      const out = await call('create startup script', 'startupScripts', 'createStartupScript', { ...body }, false, body.name);
      return field<VultrStartupScript>(out, 'startup_script', 'create startup script');
    },
    async updateStartupScript(id, body) {
      await call('update startup script', 'startupScripts', 'updateStartupScript', { 'startup-id': id, ...body }, true, id);
    },
    async deleteStartupScript(id) {
      await call('delete startup script', 'startupScripts', 'deleteStartupScript', { 'startup-id': id }, true, id);
    },
  };
}

/** The abandoned request keeps its socket until the server answers or closes; only the wait ends here. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { type: 'request-timeout', code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function readPage<T>(body: unknown, key: string, operation: string): Page<T> {
  const items = field<T[]>(body, key, operation);
  if (!Array.isArray(items)) throw classifyVultrError(new Error(`response has no ${key} list`), operation);
  const meta = (body as { meta?: { links?: { next?: unknown } } }).meta;
  const next = meta?.links?.next;
  return { items, next: typeof next === 'string' ? next : '' };
}

/** Reads one field of a response body; a body without it is a broken response, not an empty one. */
function field<T>(body: unknown, key: string, operation: string): T {
  if (body === null || typeof body !== 'object' || !(key in body)) {
    throw classifyVultrError(new Error(`unexpected response: no "${key}"`), operation);
  }
  return (body as Record<string, T>)[key] as T;
}
