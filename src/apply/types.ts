/** The apply stage's contracts: options, events for progress, and a result per change. */
import type { LiveCatalog, LiveServer, LiveSnapshot, LiveZone } from '../model/live.ts';
import type { Change } from '../plan/types.ts';
import type { Providers } from '../providers/types.ts';
import { sleep } from '../timers.ts';

/** Time, injected so tests never sleep for real. */
export interface ApplyClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: ApplyClock = {
  now: () => Date.now(),
  sleep: (ms) => sleep(ms),
};

export interface ApplyOptions {
  providers: Providers;
  /** Zones, catalog and snapshots from the observation the plan was made from (batch sizes, name → id lookups). */
  zones: LiveZone[];
  catalog?: LiveCatalog;
  snapshots?: LiveSnapshot[];
  /** Live servers, for records whose address refers to a server this run does not create. */
  servers?: LiveServer[];
  /** Changes running at once (records of one zone count as one batch). Default 4. */
  parallelism?: number;
  /** How long a server may take to install before its change fails. Default 40 minutes. */
  installTimeoutMs?: number;
  /** Between install polls. Default 5 s. */
  pollIntervalMs?: number;
  clock?: ApplyClock;
  onEvent?: (e: ApplyEvent) => void;
  /** Fencing: awaited before each change or record batch starts; throws when this run lost the repository lock. */
  fence?: () => Promise<void>;
}

export type ChangeStatus = 'done' | 'failed' | 'skipped';

export interface ChangeResult {
  id: string;
  status: ChangeStatus;
  /** Why it failed, or which failed change it waited on. */
  error?: string;
  elapsedMs: number;
}

export interface ApplyResult {
  ok: boolean;
  results: ChangeResult[];
  /** Servers created by this run, by manifest name. */
  created: Record<string, LiveServer>;
  elapsedMs: number;
}

export type ApplyEvent =
  | { type: 'start'; change: Change }
  | { type: 'waiting'; change: Change; on: string[] }
  | { type: 'installing'; change: Change; serverId: string; elapsedMs: number }
  | { type: 'done'; change: Change; elapsedMs: number }
  | { type: 'failed'; change: Change; error: string; elapsedMs: number }
  | { type: 'skipped'; change: Change; reason: string };
