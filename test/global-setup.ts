/**
 * Runs once before any test file: brings dist/ up to date with src/, so every test that spawns
 * bin/keelson.js runs the current sources (a stale build can neither pass nor fail a test).
 */
import { buildDist } from '../scripts/build-dist.ts';
import { buildValidators } from '../scripts/build-validators.ts';
import { buildVendor } from '../scripts/build-vendor.ts';

export function setup(): void {
  const { outDir } = buildDist();
  buildValidators(outDir);
  buildVendor(outDir);
}
