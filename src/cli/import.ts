import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { ManifestError, UsageError } from '../errors.ts';
import { adopt, planAdoption } from '../import/adopt.ts';
import { adoptionManifests } from '../import/manifests.ts';
import { mergeAdoption, type FileEdit } from '../import/merge.ts';
import { loadProject } from '../manifest/load-project.ts';
import type { Manifests } from '../model/types.ts';
import { observe } from '../providers/observe.ts';
import { EXIT, exitHelp } from './exit.ts';
import { connectFor, loadOrThrow } from './session.ts';
import { locked, withLockOptions, type Guard, type LockFlags } from './lock-guard.ts';

interface ImportOptions extends LockFlags {
  out?: string;
  server: string[];
  zone: string[];
  all?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function manifestNames(m: Manifests): string[] {
  return [m.servers, m.snapshots, m.regionPools, m.dnsZones, m.deployments, m.notifiers].flatMap((kind) => [...kind.keys()]);
}

/** Writes the edited and new manifests, then validates the repository; when it no longer validates, puts every file back. */
async function writeChecked(dir: string, edits: FileEdit[]): Promise<void> {
  for (const e of edits) await writeFile(e.path, e.after);
  const check = await loadProject(dir);
  if (check.ok) return;
  for (const e of edits) await (e.before === undefined ? rm(e.path, { force: true }) : writeFile(e.path, e.before));
  throw new ManifestError(check.problems);
}

/**
 * `keelson import`: adopts existing unmarked resources explicitly. Without a selection it only lists
 * the candidates (no write). With one, it marks the selected servers (tags) and zone records
 * (comment marker) as this owner's and writes the manifests that describe them.
 */
export function importCommand(): Command {
  return withLockOptions(new Command('import'))
    .description('adopt existing unmanaged servers and records: mark them as yours and write their manifests')
    .option('--dir <dir>', 'repository root holding keelson.yaml', '.')
    .option('--out <file>', 'where to write the manifests (default: <manifests>/imported.yaml)')
    .option('--server <id-or-label>', 'adopt this server (repeatable)', collect, [])
    .option('--zone <zone>', "adopt this zone's unmarked records (repeatable)", collect, [])
    .option('--all', 'adopt every unmarked server and record')
    .addHelpText('after', `\nWithout --server, --zone or --all, lists what could be adopted and changes nothing.\n${exitHelp('import')}`)
    .action(locked('import', async (opts: ImportOptions, _cmd: Command, guard: Guard) => {
      const { project, manifests } = await loadOrThrow(opts.dir);
      const conn = await connectFor(project);
      conn.providers = guard.providers(conn.providers);
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
        const planned = planAdoption(live, project.owner, { servers: opts.server, zones: opts.zone, all: Boolean(opts.all), reserved: manifestNames(manifests) });
        const missing = opts.server.filter((s) => !planned.servers.some((a) => a.live.id === s || a.live.label === s));
        if (missing.length) throw new UsageError(`no unmarked server with id or label ${missing.join(', ')}`);
        // Zones the manifests already manage gain records in their own DNSZone; the rest gets a new file.
        const { adoption, rest, edits, clashes } = await mergeAdoption(planned, manifests, project.root);
        for (const line of clashes) process.stderr.write(`${line}\n`);
        const out = opts.out ?? join(project.manifestsDir, 'imported.yaml');
        const newFile = rest.servers.length > 0 || rest.zones.length > 0;
        if (newFile && existsSync(out)) throw new UsageError(`${out} exists; pass --out to write elsewhere`);
        // Write the manifests first: a marked resource without a manifest would be deleted by the next apply.
        if (newFile) {
          await mkdir(dirname(out), { recursive: true });
          edits.push({ path: out, after: adoptionManifests(rest) });
        }
        await writeChecked(opts.dir, edits);
        await adopt(conn.providers, adoption);
        const where = edits.map((e) => e.path).join(', ') || 'no file (nothing to adopt)';
        process.stdout.write(`adopted ${adoption.servers.length} server(s) and ${adoption.zones.reduce((n, z) => n + z.records.length, 0)} record(s); manifests in ${where}\n`);
        process.exitCode = EXIT.ok;
      } finally {
        await conn.close();
      }
    }, (opts: ImportOptions) => Boolean(opts.all || opts.server.length > 0 || opts.zone.length > 0)));
}
