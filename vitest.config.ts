import { defineConfig } from 'vitest/config';

// eslint-disable-next-line no-restricted-syntax -- vitest reads the default export
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests spawn bin/keelson.js, which runs dist/: rebuild what changed first (incremental, by content).
    globalSetup: ['test/global-setup.ts'],
    // Tests run inside this checkout, whose git remote is the project's own: no test may push a lock
    // ref there. Lock tests set KEELSON_LOCK=git (or delete it) against their own bare remotes.
    env: { KEELSON_LOCK: 'none' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
