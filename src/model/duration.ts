/** Durations in manifests are strings such as "500ms", "30s", "5m", "1h30m" or "7d". */
import type { Millis } from './types.ts';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART = /([0-9]+)(ms|s|m|h|d)/g;

/** Milliseconds for a duration string; throws on a string the schema would refuse (a programming error here). */
export function parseDuration(text: string): Millis {
  if (!/^([0-9]+(ms|s|m|h|d))+$/.test(text)) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  let total = 0;
  for (const [, n, unit] of text.matchAll(PART)) total += Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return total;
}
