/** A simulator in a child process (see sim-process.ts), driven over IPC. */
import { fork } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Endpoints } from '../src/providers/connect.ts';
import type { WorldData } from '../src/sim/index.ts';

export interface RemoteSim {
  endpoints: Endpoints;
  counters(): Promise<Record<string, number>>;
  resetCounters(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRemoteSim(world: WorldData, latencyMs: number): Promise<RemoteSim> {
  const seedPath = join(await mkdtemp(join(tmpdir(), 'keelson-bench-seed-')), 'seed.json');
  await writeFile(seedPath, JSON.stringify(world));
  const child = fork(join(import.meta.dirname, 'sim-process.ts'), [seedPath, String(latencyMs)], { execArgv: ['--import', 'tsx'] });
  const next = <T>() => new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T)));
  const ready = await next<{ vultrBaseUrl: string; cloudflareBaseUrl: string; tokens: { vultr: string; cloudflare: string } }>();
  return {
    endpoints: { vultr: { apiKey: ready.tokens.vultr, baseUrl: ready.vultrBaseUrl }, cloudflare: { apiToken: ready.tokens.cloudflare, baseURL: ready.cloudflareBaseUrl } },
    async counters() {
      const reply = next<{ counters: Record<string, number> }>();
      child.send({ type: 'counters' });
      return (await reply).counters;
    },
    async resetCounters() {
      const reply = next();
      child.send({ type: 'reset' });
      await reply;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}
