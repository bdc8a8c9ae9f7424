// `npm run bench`: runs every benchmark in turn; each prints its own figures.
import { benchValidate } from './validate.ts';

await benchValidate();
