/**
 * Runs the plan bench in a fresh process and sends its figures to the parent: peak RSS is a
 * high-water mark for the whole process, so in `npm run bench` it would otherwise report whatever
 * an earlier bench (the in-process simulator's) reached.
 */
import { benchPlan } from './plan.ts';

const figures = await benchPlan();
process.send?.(figures, () => process.disconnect());
