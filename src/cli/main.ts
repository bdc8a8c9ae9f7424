import { Command } from 'commander';
import { simCommand } from './sim.ts';

/** Runs the keelson CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('keelson').description('GitOps reconciler for servers, DNS and app deploys').exitOverride();
  program.addCommand(simCommand());
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    return (err as { exitCode?: number }).exitCode ?? 1;
  }
}
