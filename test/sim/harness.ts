import vultrNode from '@vultr/vultr-node';
import Cloudflare from 'cloudflare';
import { afterAll, expect } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.ts';
import { specTap } from './spec-check.ts';

/** The SDK methods the tests call. */
type VultrMethod = 'attachReservedIp' | 'convertInstanceIpToReservedIp' | 'createInstance' | 'createReservedIp' | 'createSnapshot' | 'createSnapshotFromUrl' | 'createSshKey' | 'createStartupScript' | 'deleteReservedIp' | 'deleteSnapshot' | 'deleteSshKey' | 'deleteStartupScript' | 'detachReservedIp' | 'listInstances' | 'getInstanceBandwidth' | 'haltInstance' | 'startInstance' | 'reinstallInstance' | 'rebootInstance' | 'deleteInstance' | 'getAccountInfo' | 'getInstance' | 'getReservedIp' | 'getSnapshot' | 'getSshKey' | 'getStartupScript' | 'listAvailableComputeInRegion' | 'listImages' | 'listPlans' | 'listRegions' | 'listReservedIps' | 'listSnapshots' | 'listSshKeys' | 'listStartupScripts' | 'updateInstance' | 'updateReservedIp' | 'updateSnapshot' | 'updateSshKey' | 'updateStartupScript';
type VultrNamespace = 'instances' | 'snapshots' | 'regions' | 'plans' | 'operatingSystems' | 'sshKeys' | 'startupScripts' | 'reservedIps' | 'account';

/** The Vultr SDK's typings are all `any`; this is the seam: every call returns `unknown`. */
export type VultrSdk = Record<VultrNamespace, Record<VultrMethod, (params?: object) => Promise<unknown>>>;

export interface TestSim {
  sim: Simulator;
  vultr: VultrSdk;
  cf: Cloudflare;
}

/**
 * Starts a simulator for a test file (manual clock, rate limits off unless asked) with every
 * response checked against the OpenAPI specs; the file fails if any response breaks its schema.
 */
export async function startTestSim(options: SimulatorOptions = {}): Promise<TestSim> {
  const tap = specTap();
  const sim = await startSimulator({ manualClock: true, rateLimits: false, ...options, onResponse: tap.onResponse });
  const foreignBefore = foreignJson(sim);
  afterAll(async () => {
    const foreignAfter = foreignJson(sim);
    const touches = sim.admin.foreignTouches();
    await sim.stop();
    expect(tap.violations).toEqual([]);
    expect(tap.checked()).toBeGreaterThan(0);
    // Resources seeded as someone else's stay byte-identical through every test file.
    expect(touches).toEqual([]);
    expect(foreignAfter).toBe(foreignBefore);
  });
  return { sim, vultr: vultrSdk(sim), cf: cloudflareSdk(sim) };
}

export function vultrSdk(sim: Simulator, apiKey = sim.tokens.vultr): VultrSdk {
  return vultrNode.initialize({ apiKey, baseUrl: sim.vultrBaseUrl }) as unknown as VultrSdk;
}

export function cloudflareSdk(sim: Simulator, apiToken = sim.tokens.cloudflare): Cloudflare {
  return new Cloudflare({ apiToken, baseURL: sim.cloudflareBaseUrl, maxRetries: 0 });
}

/** A successful Vultr SDK result (the SDK resolves failures to an Error instead of rejecting). */
export function ok<T>(result: unknown): T {
  if (result instanceof Error) throw new Error(`expected success, got ${result.message}`);
  return result as T;
}

/** The Error a failed Vultr SDK call resolves to. */
export function failed(result: unknown): Error {
  if (!(result instanceof Error)) throw new Error(`expected an Error, got ${JSON.stringify(result)}`);
  return result;
}

/** Minimal shapes of what the tests read from Vultr answers. */
export interface VInstance {
  id: string;
  status: string;
  server_status: string;
  power_status: string;
  main_ip: string;
  tags: string[];
  label: string;
  v6_main_ip: string;
  default_password?: string;
}
export interface VMeta {
  total: number;
  links: { next: string; prev: string };
}

/** The seeded foreign resources, serialized, for byte-for-byte comparison. */
export function foreignJson(sim: Simulator): string {
  const w = sim.admin.dump();
  const ids = new Set(w.foreign.map((f) => f.id));
  const pick = <T extends { id: string }>(xs: T[]) => xs.filter((x) => ids.has(x.id));
  return JSON.stringify([
    pick(w.vultr.instances), pick(w.vultr.snapshots), pick(w.vultr.sshKeys), pick(w.vultr.startupScripts), pick(w.vultr.reservedIps),
    pick(w.cloudflare.records), pick(w.cloudflare.zones),
  ]);
}

/**
 * The record calls with loosely typed bodies: the SDK's types demand fields the API defaults (ttl)
 * and forbid invalid input, but these tests send exactly that.
 */
export function loose(cf: Cloudflare) {
  const r = cf.dns.records;
  return {
    create: (p: object) => r.create(p as Parameters<typeof r.create>[0]),
    edit: (id: string, p: object) => r.edit(id, p as Parameters<typeof r.edit>[1]),
    update: (id: string, p: object) => r.update(id, p as Parameters<typeof r.update>[1]),
    batch: (p: object) => r.batch(p as Parameters<typeof r.batch>[0]),
  };
}
