import { benchSimulator } from './sim.ts';

/** Runs every benchmark in turn and prints their figures. */
async function main(): Promise<void> {
  await benchSimulator();
}

await main();
