#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so a fresh `npm ci` is all a user needs: no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
