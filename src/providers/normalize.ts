/** Normalizations both providers apply when mapping into the live model, so the planner compares like with like. */

/** Canonical IPv6 text (lowercase, zeros compressed), via the URL parser's normalization. */
export function canonicalIpv6(ip: string): string {
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

/** DNS names and name-like values: lowercase, trimmed, without a trailing dot. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}
