/**
 * Normalizations shared by the providers (mapping into the live model) and the planner (the desired
 * side), so both sides of a comparison go through the same code.
 */

/** RFC 5952 text of an IPv6 address (lowercase, zeros compressed), via the URL parser; trimmed and lowercased input when it does not parse. */
export function canonicalIpv6(ip: string): string {
  const s = ip.trim().toLowerCase();
  try {
    return new URL(`http://[${s}]/`).hostname.slice(1, -1);
  } catch {
    return s;
  }
}

/** DNS names and name-like values: lowercase, trimmed, without a trailing dot. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}
