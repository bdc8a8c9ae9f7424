import { benchRebuild } from './rebuild.ts';
await benchRebuild();
