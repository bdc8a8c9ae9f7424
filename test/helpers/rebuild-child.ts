/**
 * A keelson process of its own for the SIGKILL tests: rebuilds vpn-0 against the simulator whose URL
 * and tokens arrive in the environment, on the simulator's clock (read once from its admin API, then
 * run at KEELSON_TEST_SPEED). The parent kills it with SIGKILL at a chosen moment.
 */
import { rebuildServer } from '../../src/workflows/rebuild.ts';
import { scaledClock } from '../../src/workflows/clock.ts';
import { OWNER, simProviders, worldManifests } from './sim-world.ts';

const url = process.env.KEELSON_TEST_SIM!;
const speed = Number(process.env.KEELSON_TEST_SPEED);
const tokens = { vultr: process.env.KEELSON_TEST_VULTR!, cloudflare: process.env.KEELSON_TEST_CF! };
const { now } = (await (await fetch(`${url}/_sim/clock`)).json()) as { now: number };
const wallStart = Date.now();
const clock = scaledClock(() => now + (Date.now() - wallStart) * speed, speed);
const providers = simProviders({ vultrBaseUrl: `${url}/v2`, cloudflareBaseUrl: `${url}/client/v4`, tokens });
process.stdout.write('started\n');
await rebuildServer({ providers, owner: OWNER, manifests: worldManifests(['vpn-0']), clock, pollInterval: 10_000 }, 'vpn-0');
process.stdout.write('finished\n');
