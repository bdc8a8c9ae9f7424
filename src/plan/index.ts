/** The planner's public surface: plan, check, batch, render, save. */
export { planChanges, planChecksum, countChanges, DEFAULT_SAFETY } from './plan.ts';
export { checkPlan, assertPlanSafe, findRefusals, type CheckOptions, type Refusal, type SafetyRule, type SafetyVerdict } from './safety.ts';
export { renderPlanText, countsLine, type TextOptions } from './render-text.ts';
export { renderPlanMarkdown } from './render-markdown.ts';
export { renderPlanJson, redactPlan, PLAN_SCHEMA_ID } from './render-json.ts';
export { writePlanFile, readPlanFile, checkStaleness, assertFresh, PlanFileError, type StaleItem } from './plan-file.ts';
export { fingerprintLive } from './fingerprint.ts';
export type * from './types.ts';
