import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { adopt, planAdoption } from '../import/adopt.ts';
import { adoptionManifests } from '../import/manifests.ts';
import { observe } from '../providers/observe.ts';
import { EXIT, exitHelp } from './exit.ts';
import { connectFor, loadOrThrow } from './session.ts';

interface ImportOptions {
  dir: string;
  out?: string;
  server: string[];
  zone: string[];
  all?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/**
 * `keelson import`: adopts existing unmarked resources explicitly. Without a selection it only lists
 * the candidates (no write). With one, it marks the selected servers (tags) and zone records
 * (comment marker) as this owner's and writes the manifests that describe them.
 */
export function importCommand(): Command {
  return new Command('import')
    .description('adopt existing unmanaged servers and records: mark them as yours and write their manifests')
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .option('--out <file>', 'where to write the manifests (default: <manifests>/imported.yaml)')
    .option('--server <id-or-label>', 'adopt this server (repeatable)', collect, [])
    .option('--zone <zone>', "adopt this zone's unmarked records (repeatable)", collect, [])
    .option('--all', 'adopt every unmarked server and record')
    .addHelpText('after', `\nWithout --server, --zone or --all, lists what could be adopted and changes nothing.\n${exitHelp('import')}`)
    .action(async (opts: ImportOptions) => {
      const { project } = await loadOrThrow(opts.dir);
      const conn = await connectFor(project);
      try {
        // Adoption needs servers, zones and records; no per-region availability calls.
        const live = await observe(conn.providers, { regions: [] });
        const selected = opts.all || opts.server.length > 0 || opts.zone.length > 0;
        if (!selected) {
          const candidates = planAdoption(live, project.owner, { servers: [], zones: [], all: true });
          process.stdout.write('unmanaged resources (adopt with --server, --zone or --all):\n');
          for (const s of candidates.servers) process.stdout.write(`  server ${s.live.id} ${s.live.label || s.live.hostname} (${s.live.region}, ${s.live.plan})\n`);
          for (const z of candidates.zones) process.stdout.write(`  zone ${z.zone}: ${z.records.length} unmarked record(s)\n`);
          process.exitCode = EXIT.ok;
          return;
        }
        const adoption = planAdoption(live, project.owner, { servers: opts.server, zones: opts.zone, all: Boolean(opts.all) });
        const missing = opts.server.filter((s) => !adoption.servers.some((a) => a.live.id === s || a.live.label === s));
        if (missing.length) throw new UsageError(`no unmarked server with id or label ${missing.join(', ')}`);
        const out = opts.out ?? join(project.manifestsDir, 'imported.yaml');
        if (existsSync(out)) throw new UsageError(`${out} exists; pass --out to write elsewhere`);
        // Write the manifests first: a marked resource without a manifest would be deleted by the next apply.
        await mkdir(dirname(out), { recursive: true });
        await writeFile(out, adoptionManifests(adoption));
        await adopt(conn.providers, adoption);
        process.stdout.write(`adopted ${adoption.servers.length} server(s) and ${adoption.zones.reduce((n, z) => n + z.records.length, 0)} record(s); manifests in ${out}\n`);
        process.exitCode = EXIT.ok;
      } finally {
        await conn.close();
      }
    });
}
