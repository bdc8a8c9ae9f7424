/**
 * `keelson hosts trust HOST...`: the one explicit step that adds a host's SSH key to keelson's
 * known-hosts file. It prints each fingerprint; a host whose key is already known with a different
 * value is refused unless `--replace` is given (after a rebuild).
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { findKnownKeys, fingerprint, hostPattern, keyTypeOf, readKnownHosts, trustHostKey } from '../deploy/known-hosts.ts';
import { fetchHostKey } from '../deploy/ssh.ts';
import { HostKeyError, UsageError } from '../errors.ts';
import type { SshSettings } from '../model/types.ts';
import { exitHelp } from './exit.ts';
import { hostsOf, loadContext, type DeployContext } from './deploy-context.ts';

interface Target {
  name: string;
  address: string;
  port: number;
  ssh: SshSettings;
}

/**
 * A host by its name in a Deployment's targets (resolved exactly as `deploy` resolves it, so the key
 * is stored under the address deploy connects to), or as ADDRESS[:PORT] with the project's SSH defaults.
 */
async function findTarget(ctx: DeployContext, host: string): Promise<Target> {
  for (const d of ctx.manifests.deployments.values()) {
    const t = d.spec.targets;
    const named = 'hosts' in t ? t.hosts.some((h) => h.name === host) : ctx.manifests.servers.has(host);
    if (!named) continue;
    const hit = (await hostsOf(ctx, d)).find((h) => h.name === host);
    if (hit) return { ...hit, ssh: d.spec.ssh };
  }
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(host);
  if (!m?.[1]) throw new UsageError(`cannot read host ${host}; use a target name or ADDRESS[:PORT]`);
  const ssh = ctx.project.defaults.ssh;
  return { name: host, address: m[1], port: m[2] ? Number(m[2]) : ssh.port, ssh };
}

export function hostsCommand(): Command {
  const hosts = new Command('hosts').description('manage the SSH host keys keelson trusts');
  hosts
    .command('trust')
    .description('fetch each host\'s SSH key, print its fingerprint, and add it to the known-hosts file')
    .argument('<host...>', 'target names from Deployments, or ADDRESS[:PORT]')
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .option('--replace', 'replace a key that changed (only after checking the new fingerprint out of band)')
    .addHelpText('after', `${exitHelp('hosts trust')}

Example:
  keelson hosts trust web-1 web-2`)
    .action(async (names: string[], opts: { dir: string; replace?: boolean }) => {
      const ctx = await loadContext(opts.dir);
      for (const name of names) {
        const t = await findTarget(ctx, name);
        const blob = await fetchHostKey(t.address, t.port, t.ssh.connectTimeout);
        const presented = `${keyTypeOf(blob)} ${fingerprint(blob)}`;
        const file = t.ssh.knownHostsFile;
        const text = await readKnownHosts(file);
        const known = findKnownKeys(text, t.address, t.port);
        if (known.some((k) => k.blob.equals(blob))) {
          process.stdout.write(`${t.name} (${hostPattern(t.address, t.port)}): ${presented} already trusted\n`);
          continue;
        }
        if (known.length && !opts.replace) throw new HostKeyError(t.name, presented, known.map((k) => `${k.type} ${fingerprint(k.blob)}`));
        if (known.length) {
          const pattern = hostPattern(t.address, t.port);
          await writeFile(file, text.split('\n').filter((l) => l.split(/\s+/)[0] !== pattern).join('\n'));
        }
        await trustHostKey(file, t.address, t.port, blob);
        process.stdout.write(`${t.name} (${hostPattern(t.address, t.port)}): trusted ${presented} in ${file}\n`);
      }
    });
  return hosts;
}
