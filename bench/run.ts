// `npm run bench`: runs every benchmark in turn; each prints its own figures.
import { benchDeploy } from './deploy.ts';
import { benchSimulator } from './sim.ts';
import { benchValidate } from './validate.ts';

await benchValidate();
await benchSimulator();
await benchDeploy();
