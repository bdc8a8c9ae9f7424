/**
 * Address allocation. IPv4 comes from the documentation ranges (RFC 5737); past their 759 usable
 * hosts it overflows into the benchmarking range 198.18.0.0/15 (RFC 2544), which is never routed
 * either. IPv6 comes from 2001:db8::/32 (RFC 3849). Nothing here is ever contacted.
 */
const DOC_NETS = ['192.0.2', '198.51.100', '203.0.113'];
const HOSTS_PER_NET = 253; // .2 .. .254; .1 is each net's gateway
const DOC_TOTAL = DOC_NETS.length * HOSTS_PER_NET;

function ipv4At(n: number): string {
  if (n < DOC_TOTAL) return `${DOC_NETS[Math.floor(n / HOSTS_PER_NET)]}.${(n % HOSTS_PER_NET) + 2}`;
  const k = n - DOC_TOTAL + 256; // skip 198.18.0.x
  return `198.${18 + Math.floor(k / 65536)}.${Math.floor(k / 256) % 256}.${k % 256}`;
}

const IPV4_SPACE = DOC_TOTAL + 131072 - 256;

/** The first address of `at(0..space-1)` from `cursor` on (wrapping) that is not in use, and the cursor after it. */
function nextFree(space: number, at: (n: number) => string, cursor: number, inUse: ReadonlySet<string>, what: string): { ip: string; cursor: number } {
  for (let i = 0; i < space; i++) {
    const n = (cursor + i) % space;
    const ip = at(n);
    if (!inUse.has(ip)) return { ip, cursor: n + 1 };
  }
  throw new Error(`simulated ${what} space exhausted`);
}

/** Allocates the next free IPv4 after `cursor`, skipping addresses in use; returns it and the new cursor. */
export function allocateIpv4(cursor: number, inUse: ReadonlySet<string>): { ip: string; cursor: number } {
  return nextFree(IPV4_SPACE, ipv4At, cursor, inUse, 'IPv4');
}

/** The gateway of an allocated IPv4 (its /24's .1). */
export function gatewayOf(ip: string): string {
  return ip.replace(/\.\d+$/, '.1');
}

/** A /64 per allocation number, with the instance at ::1 style SLAAC-looking suffix. */
export function ipv6For(n: number): { network: string; ip: string } {
  const a = (Math.floor(n / 65536) % 65536).toString(16);
  const b = (n % 65536).toString(16);
  return { network: `2001:db8:${a}:${b}::`, ip: `2001:db8:${a}:${b}:5400:4ff:fe00:${(n % 4096).toString(16)}` };
}

/**
 * Loopback addresses for `reachable` simulators: 127.B.C.D with B in 1..254 and D in 1..254, so never
 * 127.0.0.x (127.0.0.1 is everyone's) and never a .0 or .255 host. Linux routes all of 127/8 to `lo`,
 * so each is bindable with no setup. A simulator starts at a random point of this space, so that
 * simulators running side by side (parallel tests) do not hand out the same address.
 */
const LOOPBACK_SPACE = 254 * 256 * 254;

function loopbackAt(n: number): string {
  const b = Math.floor(n / (256 * 254));
  const c = Math.floor(n / 254) % 256;
  return `127.${b + 1}.${c}.${(n % 254) + 1}`;
}

/** A random starting point in the loopback space. */
export function loopbackStart(random: () => number = Math.random): number {
  return Math.floor(random() * LOOPBACK_SPACE);
}

/** Allocates the next free loopback IPv4 after `cursor`; returns it and the new cursor. */
export function allocateLoopbackIpv4(cursor: number, inUse: ReadonlySet<string>): { ip: string; cursor: number } {
  return nextFree(LOOPBACK_SPACE, loopbackAt, cursor, inUse, 'loopback IPv4');
}
