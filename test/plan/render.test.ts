import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderPlanJson } from '../../src/plan/render-json.ts';
import { renderPlanMarkdown } from '../../src/plan/render-markdown.ts';
import { countsLine, renderPlanText } from '../../src/plan/render-text.ts';
import { live, manifests } from './builders.ts';
import { CANARY, samplePlan } from './sample-plan.ts';
import { plan } from './table.ts';

const schema = JSON.parse(readFileSync(new URL('../../schemas/plan.json', import.meta.url), 'utf8')) as Record<string, unknown>;

function validator() {
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

describe('render', () => {
  const p = samplePlan();

  it('the sample has every action', () => {
    expect(p.problems).toEqual([]);
    expect(countsLine(p)).toBe('Plan: 2 to create, 3 to update, 1 to replace, 2 to destroy.');
  });

  it('text', () => {
    expect(renderPlanText(p)).toMatchSnapshot();
  });

  it('text uses colours only when asked', () => {
    expect(renderPlanText(p)).not.toContain('\u001b[');
    expect(renderPlanText(p, { color: true })).toContain('\u001b[32m  + Server/web-ewr');
  });

  it('markdown', () => {
    expect(renderPlanMarkdown(p)).toMatchSnapshot();
  });

  it('an empty plan says so', () => {
    const empty = plan(manifests(), live());
    expect(renderPlanText(empty)).toContain('No changes.');
    expect(renderPlanMarkdown(empty)).toContain('No changes');
  });

  it('secrets never appear in any rendering', () => {
    for (const out of [renderPlanText(p), renderPlanText(p, { color: true }), renderPlanMarkdown(p), renderPlanJson(p)]) expect(out).not.toContain(CANARY);
    // The plan itself keeps it: the executor needs the user data.
    expect(JSON.stringify(p)).toContain(CANARY);
  });

  it('JSON validates against schemas/plan.json', () => {
    const validate = validator();
    const json = JSON.parse(renderPlanJson(p)) as unknown;
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(JSON.parse(renderPlanJson(plan(manifests(), live()))))).toBe(true);
  });

  it('the schema rejects what it should', () => {
    const validate = validator();
    const json = JSON.parse(renderPlanJson(p)) as { changes: { action: string }[]; formatVersion: number };
    expect(validate({ ...json, formatVersion: 2 })).toBe(false);
    expect(validate({ ...json, changes: [{ ...json.changes[0], action: 'explode' }] })).toBe(false);
  });
});
