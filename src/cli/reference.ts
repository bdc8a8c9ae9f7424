import type { Command } from 'commander';
import { buildProgram } from './main.ts';

export const CLI_REFERENCE_START = '<!-- cli:start -->';
export const CLI_REFERENCE_END = '<!-- cli:end -->';

/** Help texts are wrapped at a fixed width so the generated README does not depend on the terminal. */
const WIDTH = 100;

function withWidth(cmd: Command): Command {
  cmd.configureHelp({ helpWidth: WIDTH });
  for (const sub of cmd.commands) withWidth(sub);
  return cmd;
}

function section(cmd: Command, path: string[]): string[] {
  const name = [...path, cmd.name()].join(' ');
  const out = [`### \`${name}\``, '', '```', cmd.helpInformation().trimEnd(), '```', ''];
  for (const sub of cmd.commands) out.push(...section(sub, [...path, cmd.name()]));
  return out;
}

/** The CLI reference in the README: every verb's `--help` (every verb loaded), generated so it cannot drift. */
export async function renderCliReference(): Promise<string> {
  const program = withWidth(await buildProgram('all'));
  const lines = ['### `keelson`', '', '```', program.helpInformation().trimEnd(), '```', ''];
  for (const cmd of program.commands) lines.push(...section(cmd, ['keelson']));
  return lines.join('\n');
}
