/** What every bench prints beside its figures: how busy the machine was while they were measured. */
import { availableParallelism, loadavg } from 'node:os';

/** `load 3.12 2.80 1.95 (1/5/15 min) on 2 cores`: figures taken at a load well above the core count are slow for that reason. */
export function loadNote(): string {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return `load ${one.toFixed(2)} ${five.toFixed(2)} ${fifteen.toFixed(2)} (1/5/15 min) on ${availableParallelism()} cores`;
}

/** The median of a list of numbers (0 for none). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return 0;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
