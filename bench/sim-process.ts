/** Runs a simulator in its own process for the benches, so their memory figures are keelson's alone. */
import { startSimulator } from '../src/sim/index.ts';

const [seedPath, latency] = process.argv.slice(2);
const sim = await startSimulator({ seed: seedPath, latencyMs: Number(latency ?? 0), rateLimits: true });
process.send?.({ vultrBaseUrl: sim.vultrBaseUrl, cloudflareBaseUrl: sim.cloudflareBaseUrl, url: sim.url, tokens: sim.tokens });
process.on('message', async (m: { type: string }) => {
  if (m.type === 'counters') process.send?.({ counters: sim.admin.counters() });
  else if (m.type === 'reset') {
    sim.admin.resetCounters();
    process.send?.({ ok: true });
  } else if (m.type === 'stop') {
    await sim.stop();
    process.exit(0);
  }
});
