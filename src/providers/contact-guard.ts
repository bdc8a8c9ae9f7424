/**
 * The one guard in front of every connection keelson makes to a server's address (health probes,
 * SSH, host-key fetches, failover probes). When the Vultr endpoint is a simulator, the servers it
 * describes do not exist and their addresses are made up — on some machines the documentation ranges
 * they come from are the machine's own network — so only loopback addresses (127.0.0.0/8, ::1) may
 * be contacted. The check runs before any socket is opened.
 *
 * An endpoint counts as a simulator when keelson started it in-process, when its base URL is on a
 * loopback host, or when it answers with the `x-keelson-simulator` header (asked once per endpoint).
 * Real Vultr (no base URL) is never asked. The verdict is process-wide and sticky: once any simulator
 * endpoint is in use, the guard stays on.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AddressRefusedError } from '../errors.ts';

/** The response header every simulator response carries. */
export const SIMULATOR_HEADER = 'x-keelson-simulator';

type Verdict = { simulator: boolean; endpoint: string };

const verdicts = new Map<string, PromiseLike<Verdict>>();

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback; false for anything else (names included). */
export function isLoopbackAddress(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  if (isIP(a) !== 6) return false;
  // The URL parser writes IPv6 in its shortest form: ::1, or ::ffff:7fXX:XXXX for mapped 127/8.
  const short = new URL(`http://[${a}]/`).hostname;
  return short === '[::1]' || short.startsWith('[::ffff:7f');
}

function loopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || isLoopbackAddress(host);
  } catch {
    return false;
  }
}

/**
 * Asks an endpoint once whether it is a simulator (one unauthenticated GET; any answer of the
 * simulator carries the header). An endpoint that does not answer counts as one: the addresses it
 * handed out cannot be trusted to be real.
 */
export async function endpointIsSimulator(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(baseUrl, { method: 'GET', signal: AbortSignal.timeout(10_000) });
    await res.body?.cancel();
    return res.headers.has(SIMULATOR_HEADER);
  } catch {
    return true;
  }
}

async function askEndpoint(baseUrl: string): Promise<Verdict> {
  return { simulator: await endpointIsSimulator(baseUrl), endpoint: baseUrl };
}

/**
 * Registers the Vultr endpoint a connection uses. `embedded` is the in-process simulator; no
 * `baseUrl` means real Vultr. Safe to call repeatedly.
 */
export function noteVultrEndpoint(e: { baseUrl?: string; embedded?: boolean }): void {
  if (!e.baseUrl && !e.embedded) return;
  const key = e.baseUrl ?? 'embedded simulator';
  if (verdicts.has(key)) return;
  if (e.embedded || loopbackUrl(key)) verdicts.set(key, Promise.resolve({ simulator: true, endpoint: key }));
  // Asked lazily, on the first contact: most runs never contact a server.
  else verdicts.set(key, new LazyVerdict(key));
}

/** A promise that sends its one request only once awaited. */
class LazyVerdict implements PromiseLike<Verdict> {
  private p: Promise<Verdict> | undefined;
  constructor(private readonly baseUrl: string) {}
  then<A = Verdict, B = never>(ok?: ((v: Verdict) => A | PromiseLike<A>) | null, fail?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    this.p ??= askEndpoint(this.baseUrl);
    return this.p.then(ok, fail);
  }
}

/** The simulator endpoint in use, if any. */
async function simulatorInUse(): Promise<string | undefined> {
  for (const v of verdicts.values()) {
    const verdict = await v;
    if (verdict.simulator) return verdict.endpoint;
  }
  return undefined;
}

/**
 * Resolves when `address` may be contacted for `purpose` (e.g. `ssh to web-1`); throws
 * AddressRefusedError, before any connection is attempted, when a simulator is in use and the
 * address (or any address a name resolves to) is outside loopback.
 */
export async function assertMayContact(address: string, purpose: string): Promise<void> {
  const endpoint = await simulatorInUse();
  if (endpoint === undefined) return;
  if (isIP(address.replace(/^\[|\]$/g, ''))) {
    if (!isLoopbackAddress(address)) throw new AddressRefusedError(address, purpose, endpoint);
    return;
  }
  const resolved = await lookup(address, { all: true }).catch(() => []);
  const bad = resolved.find((r) => !isLoopbackAddress(r.address));
  if (resolved.length === 0 || bad) throw new AddressRefusedError(bad ? `${address} (${bad.address})` : address, purpose, endpoint);
}
