import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultWorld, FOREIGN_IDS } from '../../src/sim/index.ts';
import { parseSimEnv } from '../helpers/sim-process.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ZONE = FOREIGN_IDS.exampleCom;
const dir = mkdtempSync(join(tmpdir(), 'keelson-state-'));
const STATE = join(dir, 'world.json');
const SEED = join(dir, 'seed.json');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A world of ~1 MB, so each save takes long enough for a kill to land in the middle of one.
const base = defaultWorld();
const ballast = Array.from({ length: 3000 }, (_, i) => ({
  id: `ba11a57${String(i).padStart(25, '0')}`, zone_id: FOREIGN_IDS.exampleNet, name: `ballast-${i}.example.net`, type: 'TXT', content: `ballast ${i} `.repeat(20),
  ttl: 1, proxied: false, comment: null, tags: [], settings: {}, created_on: '2024-01-01T00:00:00.000000Z', modified_on: '2024-01-01T00:00:00.000000Z',
}));
writeFileSync(SEED, JSON.stringify({ cloudflare: { ...base.cloudflare, records: [...base.cloudflare.records, ...ballast] } }));

interface Running {
  child: ChildProcessWithoutNullStreams;
  url: string;
  env: Record<string, string>;
}

/** `keelson sim --state FILE --port 0`, resolved once it has printed its environment. */
function startSim(): Promise<Running> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/keelson.js'), 'sim', '--state', STATE, '--seed', SEED, '--port', '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const env = parseSimEnv(out);
      if (!env) return;
      resolve({ child, env, url: env.VULTR_BASE_URL!.replace(/\/v2$/, '') });
    });
    child.on('exit', (code) => reject(new Error(`keelson sim exited early (${code}): ${err}`)));
  });
}

function kill(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill(signal);
  return exited;
}

async function call(sim: Running, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const token = path.startsWith('/client/') ? sim.env.CLOUDFLARE_API_TOKEN : sim.env.VULTR_API_KEY;
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

/** Write number i: even ones create a DNS record, odd ones a server, so both APIs persist. */
async function write(sim: Running, i: number): Promise<void> {
  const r = i % 2 === 0
    ? await call(sim, 'POST', `/client/v4/zones/${ZONE}/dns_records`, { type: 'TXT', name: `w${i}`, content: `write ${i}`, ttl: 1 })
    : await call(sim, 'POST', '/v2/instances', { region: 'ewr', plan: 'vc2-1c-1gb', os_id: 2284, label: `w-${i}` });
  if (r.status !== 200 && r.status !== 202) throw new Error(`write ${i}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
}

/** The write numbers present in the running world, from both APIs, sorted. */
async function writesIn(sim: Running): Promise<number[]> {
  const servers = (await call(sim, 'GET', '/v2/instances?per_page=500')).json as { instances: { label: string }[] };
  const records = (await call(sim, 'GET', `/client/v4/zones/${ZONE}/dns_records?per_page=5000`)).json as { result: { name: string }[] };
  const found = [
    ...servers.instances.map((s) => /^w-(\d+)$/.exec(s.label)?.[1]),
    ...records.result.map((r) => /^w(\d+)\.example\.com$/.exec(r.name)?.[1]),
  ];
  return found.filter((n) => n !== undefined).map(Number).sort((a, b) => a - b);
}

const temps = () => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

/** Seeded, so a failing run can be replayed; the kill moments vary within the run, not between runs. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('keelson sim --state under SIGKILL', () => {
  it('keeps every acknowledged write, never a torn file, and a prefix of the writes', async () => {
    const random = prng(0x51a7e);
    let acked = 0;
    let sent = 0;
    const kills = 8;
    for (let round = 0; round <= kills; round++) {
      const sim = await startSim();
      const present = await writesIn(sim);
      // A prefix: writes 0..n-1 and nothing else. Every acknowledged write is there; beyond those,
      // at most the one that was in flight when the process died.
      expect(present).toEqual(Array.from({ length: present.length }, (_, i) => i));
      expect(present.length).toBeGreaterThanOrEqual(acked);
      expect(present.length).toBeLessThanOrEqual(sent);
      // The killed run's temp file was cleared at start-up; nothing is being written while idle.
      expect(temps()).toEqual([]);
      acked = sent = present.length;
      if (round === kills) {
        expect(await kill(sim.child, 'SIGTERM')).toBe(0);
        break;
      }
      // Vultr's 30/s limit is beside the point here.
      expect((await fetch(`${sim.url}/_sim/rate-limits`, { method: 'PUT', body: '{"enabled":false}' })).status).toBe(200);
      const burst = 2 + Math.floor(random() * 6);
      const t0 = performance.now();
      for (let j = 0; j < burst; j++) {
        await write(sim, sent++);
        acked = sent;
      }
      const perWrite = (performance.now() - t0) / burst;
      // One more write, and a SIGKILL at a random moment before, during or just after it is handled
      // and saved (scaled by how long a write took here; the moment is chosen, never asserted).
      const inFlight = write(sim, sent++).then(() => true, () => false);
      const delay = random() * perWrite * 1.2;
      await new Promise((resolve) => setTimeout(resolve, delay));
      await kill(sim.child, 'SIGKILL');
      if (await inFlight) acked = sent;
      const saved = JSON.parse(readFileSync(STATE, 'utf8')) as { version: number };
      expect(saved.version).toBe(1);
      expect(temps().length).toBeLessThanOrEqual(1);
    }
    expect(acked).toBeGreaterThanOrEqual(kills * 2);
    expect(temps()).toEqual([]);
  }, 120_000);
});
