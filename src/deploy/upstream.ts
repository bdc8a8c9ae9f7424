/**
 * The nginx upstream file keelson owns on each host. Its first lines carry a marker naming the live
 * slot, port and version: the file is replaced atomically before every reload, so the marker is the
 * truth about where traffic goes even when a deploy was killed before it recorded its state.
 */

/** What is live on a host: the slot, where it listens, what it runs and since when. */
export interface LiveSlot {
  slot: string;
  port: number;
  /** Image reference (containers) or commit (git slots). */
  version: string;
  /** The ref that was asked for (git slots). */
  ref?: string;
  /** Container name (containers). */
  container?: string;
  /** ISO time the slot went live. */
  since: string;
  deployId: string;
}

const MARKER = '# keelson-live ';

/** The upstream file for one live slot. Pure. */
export function renderUpstream(resource: string, upstreamName: string, live: LiveSlot): string {
  return [
    `# Managed by keelson (${resource}); every deploy rewrites this file.`,
    `${MARKER}${JSON.stringify(live)}`,
    `upstream ${upstreamName} {`,
    `    server 127.0.0.1:${live.port};`,
    '}',
    '',
  ].join('\n');
}

/** The live slot recorded in an upstream file, or undefined for a file keelson did not write. Pure. */
export function parseUpstreamMarker(text: string): LiveSlot | undefined {
  const line = text.split('\n').find((l) => l.startsWith(MARKER));
  if (!line) return undefined;
  try {
    const v = JSON.parse(line.slice(MARKER.length)) as Partial<LiveSlot>;
    if (typeof v.slot !== 'string' || typeof v.port !== 'number' || typeof v.version !== 'string') return undefined;
    return { since: '', deployId: '', ...v } as LiveSlot;
  } catch {
    return undefined;
  }
}

/** The port the upstream block sends traffic to (for consistency checks). Pure. */
export function upstreamPort(text: string): number | undefined {
  const m = /server\s+127\.0\.0\.1:(\d+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}
