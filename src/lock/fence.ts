/**
 * Fencing at the provider seam: every call that changes something at a provider first awaits the
 * lock's `check()`, so a run whose lock was taken over stops before its next write wherever that write
 * comes from (the executors also check before each step; both are cheap, the check is cached).
 * Reads pass straight through.
 */
import type { ComputeProvider, DnsProvider, Providers } from '../providers/types.ts';

/** Resolves while the caller may still write; throws (LockLostError) once it may not. */
export type Fence = () => Promise<void>;

const WRITES = new Set<string>(['createServer', 'updateServer', 'deleteServer', 'createSnapshot', 'updateSnapshot', 'deleteSnapshot', 'applyRecordChanges']);

function fenced<T extends object>(target: T, fence: Fence): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const v: unknown = Reflect.get(t, prop, receiver);
      if (typeof prop !== 'string' || !WRITES.has(prop) || typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        await fence();
        return (v as (...a: unknown[]) => Promise<unknown>).apply(t, args);
      };
    },
  });
}

/** The same providers, with every write behind `fence`. */
export function fenceProviders(p: Providers, fence: Fence): Providers {
  return { ...p, compute: fenced<ComputeProvider>(p.compute, fence), dns: fenced<DnsProvider>(p.dns, fence) };
}
