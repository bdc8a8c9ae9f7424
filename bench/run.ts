// `npm run bench`: runs every benchmark in turn; each prints its own figures.
import { benchRebuild } from './rebuild.ts';
import { benchSimulator } from './sim.ts';
import { benchValidate } from './validate.ts';

await benchValidate();
await benchSimulator();
await benchRebuild();
