/**
 * One builder for every server create: the rebuild workflow's request for a new server equals
 * apply's for the same manifest (startup script, ssh keys, user data, tags, keelson:spec), apart from
 * the successor's own marker tags. Real SDKs against the simulator; the create inputs are read off
 * the provider seam as they go out.
 */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowError } from '../../src/errors.ts';
import { connectEndpoints, simulatorEndpoints } from '../../src/providers/connect.ts';
import type { Providers, ServerCreateInput } from '../../src/providers/types.ts';
import { simulatorSeed } from '../../src/cli/session.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { scaledClock } from '../../src/workflows/clock.ts';
import { rebuildServer } from '../../src/workflows/rebuild.ts';
import { applyOnce } from '../helpers/converge.ts';
import { loadOk } from '../helpers/project.ts';

const SPEED = 50_000;
let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function project(sshKeys: string[]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'keelson-create-'));
  await mkdir(join(root, 'manifests'));
  await writeFile(join(root, 'keelson.yaml'), 'apiVersion: keelson.dev/v1\nkind: Project\nmetadata: { name: t }\nspec: { owner: same }\n');
  await writeFile(join(root, 'manifests', 'servers.yaml'), [
    'apiVersion: keelson.dev/v1', 'kind: Server', 'metadata: { name: api }', 'spec:', '  region: ewr', '  plan: vc2-1c-1gb',
    '  image: { os: Ubuntu 24.04 LTS x64 }', `  sshKeys: [${sshKeys.join(', ')}]`, '  startupScript: bootstrap',
    '  userData: "#cloud-config\\n"', '  enableIpv6: true', '  tags: [web, blue]', '',
  ].join('\n'));
  return root;
}

/** The providers, with every create input recorded on its way to the simulator. */
function recording(providers: Providers, inputs: ServerCreateInput[]): Providers {
  const compute = providers.compute;
  return { ...providers, compute: { ...compute, createServer: (input) => (inputs.push(structuredClone(input)), compute.createServer(input)) } };
}

/** A create input without the tags that mark one particular create (its operation, its predecessor). */
function withoutOperationMarks(input: ServerCreateInput): Omit<ServerCreateInput, 'opTag'> {
  const { opTag: _op, ...rest } = input;
  return { ...rest, tags: rest.tags.filter((t) => !t.startsWith('keelson:op=') && !t.startsWith('keelson:successor-of=')).sort() };
}

async function setUp(sshKeys: string[]) {
  const { project: proj, manifests } = await loadOk(await project(sshKeys));
  sim = await startSimulator({ speed: SPEED, rateLimits: false, seed: simulatorSeed(manifests) });
  const conn = connectEndpoints(simulatorEndpoints(sim), proj.providers, { retry: { retries: 4, minDelayMs: 1, maxDelayMs: 5 } });
  const clock = scaledClock(() => sim!.admin.now(), SPEED);
  return { proj, manifests, conn, clock };
}

describe('one create request for apply and rebuild', () => {
  it("the rebuild's create equals apply's apart from the successor marks", async () => {
    const { proj, manifests, conn, clock } = await setUp(['ops', 'deploy']);
    const inputs: ServerCreateInput[] = [];
    const providers = recording(conn.providers, inputs);
    const { result } = await applyOnce(proj, manifests, providers);
    expect(result.ok).toBe(true);
    const result2 = await rebuildServer({ providers, owner: proj.owner, manifests, clock, pollInterval: 5_000 }, 'api');
    expect(result2.outcome).toBe('rebuilt');

    expect(inputs).toHaveLength(2);
    const [applied, rebuilt] = inputs as [ServerCreateInput, ServerCreateInput];
    expect(applied.scriptId).toBeDefined();
    expect(applied.sshKeyIds).toHaveLength(2);
    expect(withoutOperationMarks(rebuilt)).toEqual(withoutOperationMarks(applied));
    expect(rebuilt.tags.filter((t) => t.startsWith('keelson:successor-of='))).toEqual([`keelson:successor-of=${result.created.api!.id}`]);

    // The next plan sees the successor as up to date because it really is.
    const again = await applyOnce(proj, manifests, providers);
    expect(again.plan.changes).toEqual([]);
  });

  it('a rebuild naming an ssh key the account lacks fails before creating anything, as apply does', async () => {
    const known = await setUp(['ops']);
    await applyOnce(known.proj, known.manifests, known.conn.providers);
    const { manifests } = await loadOk(await project(['ops', 'ghost']));
    const inputs: ServerCreateInput[] = [];
    const providers = recording(known.conn.providers, inputs);
    const err = await rebuildServer({ providers, owner: known.proj.owner, manifests, clock: known.clock, pollInterval: 5_000 }, 'api').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowError);
    expect((err as Error).message).toContain('unknown ssh key "ghost"');
    expect(inputs).toEqual([]);
  });
});
