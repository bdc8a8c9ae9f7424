/**
 * Apply steps for ssh keys and startup scripts, and the apply-time lookup of the ones a server
 * create names. Creates are found again by their marked name (the provider looks before it writes),
 * updates rewrite in place, deletes of what is gone succeed: every step is safe to repeat.
 */
import { resolveNamed } from '../model/key-refs.ts';
import type { Change, ChangePayload, ProviderRef } from '../plan/types.ts';
import type { RunState, StepContext } from './steps.ts';

type KeyPayload = Extract<ChangePayload, { op: `sshkey.${string}` | `script.${string}` }>;

/** What this run created, by manifest name (the maps appear on first use). */
interface KeyRunState {
  sshKeys?: Map<string, string>;
  startupScripts?: Map<string, string>;
}

function made(run: RunState, kind: 'sshKeys' | 'startupScripts'): Map<string, string> {
  const r = run as RunState & KeyRunState;
  return (r[kind] ??= new Map());
}

export function isKeyChange(p: ChangePayload): p is KeyPayload {
  return p.op.startsWith('sshkey.') || p.op.startsWith('script.');
}

/** Runs one ssh key or startup script change. */
export async function runKeyChange(change: Change, p: KeyPayload, ctx: StepContext): Promise<void> {
  const compute = ctx.opts.providers.compute;
  switch (p.op) {
    case 'sshkey.create': {
      const key = await compute.createSshKey(p.request.providerName, p.request.publicKey ?? '');
      made(ctx.run, 'sshKeys').set(p.request.name, key.id);
      return;
    }
    case 'sshkey.update':
      await compute.updateSshKey(p.id, { name: p.request.providerName, ...(p.request.publicKey ? { publicKey: p.request.publicKey } : {}) });
      return;
    case 'sshkey.delete':
      await compute.deleteSshKey(p.id);
      return;
    case 'script.create': {
      const script = await compute.createStartupScript(p.request.providerName, p.request.script ?? '', p.request.type ?? 'boot');
      made(ctx.run, 'startupScripts').set(p.request.name, script.id);
      return;
    }
    case 'script.update':
      await compute.updateStartupScript(p.id, { name: p.request.providerName, ...(p.request.script !== undefined ? { script: p.request.script } : {}), ...(p.request.type ? { type: p.request.type } : {}) });
      return;
    case 'script.delete':
      await compute.deleteStartupScript(p.id);
      return;
    default:
      throw new Error(`${change.id}: not a key or script change`);
  }
}

/**
 * The provider id for a server create's key or script that the plan could not resolve: made earlier
 * in this run, or found in the observed catalog (a managed one by its marker, else by exact name).
 */
export function keyIdAtApply(kind: 'sshKeys' | 'startupScripts', ref: ProviderRef, owner: string, ctx: StepContext): string | undefined {
  const fromRun = made(ctx.run, kind).get(ref.name);
  if (fromRun) return fromRun;
  const items = ctx.opts.catalog?.[kind];
  return items ? resolveNamed(items, owner, ref.name, ref.managed)?.id : undefined;
}
