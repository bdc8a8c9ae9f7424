#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so a fresh `npm ci` is all a user needs: no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const { exitWhenFlushed } = await import('../src/cli/finish.ts');
// Exits when the verb is done, even if a socket or timer of an abandoned call remains (src/cli/finish.ts).
await exitWhenFlushed(await main(process.argv));
