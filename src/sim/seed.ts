import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { WorldData } from './types.ts';
import { defaultWorld } from './default-world.ts';
import { checkPorts } from './reach.ts';

/** A seed: sections given replace those of the default world; anything left out comes from it. */
export interface WorldSeed {
  vultr?: Partial<WorldData['vultr']>;
  cloudflare?: Partial<WorldData['cloudflare']>;
  foreign?: WorldData['foreign'];
  ipCursor?: number;
  clock?: number;
}

/** Merges a seed onto the default world. */
export function worldFromSeed(seed: WorldSeed = {}): WorldData {
  const base = defaultWorld();
  const world: WorldData = {
    version: 1,
    vultr: { ...base.vultr, ...structuredClone(seed.vultr ?? {}) },
    cloudflare: { ...base.cloudflare, ...structuredClone(seed.cloudflare ?? {}) },
    foreign: structuredClone(seed.foreign ?? base.foreign),
    ipCursor: seed.ipCursor ?? base.ipCursor,
    ...(seed.clock !== undefined && { clock: seed.clock }),
  };
  checkWorld(world);
  return world;
}

/** Reads a seed file (JSON or YAML). */
export async function readSeedFile(path: string): Promise<WorldSeed> {
  const text = await readFile(path, 'utf8');
  const seed: unknown = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  if (typeof seed !== 'object' || seed === null || Array.isArray(seed)) throw new Error(`${path}: a seed must be an object`);
  return seed as WorldSeed;
}

/** Catches the mistakes that would break the simulator later (dangling zone ids, unknown plans). */
function checkWorld(w: WorldData): void {
  const zones = new Set(w.cloudflare.zones.map((z) => z.id));
  for (const r of w.cloudflare.records) if (!zones.has(r.zone_id)) throw new Error(`seed: record ${r.id} names unknown zone ${r.zone_id}`);
  for (const i of w.vultr.instances) {
    if (i.ports === undefined) continue;
    try {
      i.ports = checkPorts(i.ports);
    } catch (err) {
      throw new Error(`seed: instance ${i.id} ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  const plans = new Set(w.vultr.plans.map((p) => p.id));
  for (const [region, list] of Object.entries(w.vultr.availability)) {
    for (const p of list) if (!plans.has(p)) throw new Error(`seed: availability of ${region} names unknown plan ${p}`);
  }
}
