/**
 * Runs before any test file, and again before each rerun in watch mode: brings dist/ up to date with
 * src/, so every test that spawns bin/keelson.js runs the current sources (a stale build can neither
 * pass nor fail a test).
 */
import type { TestProject } from 'vitest/node';
import { buildDist } from '../scripts/build-dist.ts';
import { buildValidators } from '../scripts/build-validators.ts';
import { buildVendor } from '../scripts/build-vendor.ts';

function build(): void {
  const { outDir } = buildDist();
  buildValidators(outDir);
  buildVendor(outDir);
}

export function setup(project: TestProject): void {
  build();
  project.onTestsRerun(build);
}
