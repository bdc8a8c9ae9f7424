/** The planner's side of rebuilds: an in-progress rebuild is left to the workflow, rotated regions and workflow tags are not drift. */
import { describe, expect, it } from 'vitest';
import { OWNER, live, liveServer, manifests, server } from './builders.ts';
import { plan } from './table.ts';
import { renderPlanJson } from '../../src/plan/render-json.ts';
import { renderPlanMarkdown } from '../../src/plan/render-markdown.ts';
import { countsLine, renderPlanText } from '../../src/plan/render-text.ts';

const rebuild = { timezone: 'UTC', jitter: 0, rotateRegions: true, regions: ['ewr', 'ams'], freshSnapshot: false, installTimeout: 3_600_000 };

describe('planner and rebuilds', () => {
  it('plans no change for a server whose rebuild is in progress, and shows the work in progress in every format', () => {
    const doc = server('vpn', { rebuild });
    const old = liveServer(doc, { id: 'old' });
    const next = liveServer(doc, { id: 'new', region: 'ams', successorOf: 'old', install: 'installingbooting', ipv4: undefined });
    next.tags = [...next.tags, 'keelson:successor-of=old'].sort();
    const p = plan(manifests({ servers: [doc] }), live({ servers: [old, next] }));
    expect(p.changes).toEqual([]);
    expect(p.inProgress).toEqual([{ kind: 'Server', name: 'vpn', workflow: 'rebuild', from: 'old', to: 'new' }]);
    const line = 'Server/vpn: rebuild in progress (new replacing old); apply finishes it before anything else';
    const text = renderPlanText(p);
    expect(text).toContain(`In progress (a run was interrupted):\n  >> ${line}`);
    expect(text).not.toContain('No changes');
    expect(countsLine(p)).toBe('Plan: 0 to create, 0 to update, 0 to replace, 0 to destroy. 1 in progress (apply finishes first).');
    expect(renderPlanMarkdown(p)).toContain(`**In progress (a run was interrupted):**\n\n- ${line}`);
    expect(JSON.parse(renderPlanJson(p)).inProgress).toEqual(p.inProgress);
  });

  it('accepts any region of the rotation as where a rotating server should be', () => {
    const doc = server('vpn', { rebuild });
    expect(plan(manifests({ servers: [doc] }), live({ servers: [liveServer(doc, { region: 'ams' })] })).changes).toEqual([]);
    const fixed = server('fixed', { rebuild: { ...rebuild, rotateRegions: false } });
    const p = plan(manifests({ servers: [fixed] }), live({ servers: [liveServer(fixed, { region: 'ams' })] }));
    expect(p.changes.map((c) => c.id)).toContain('Server/fixed#replace');
  });

  it('keeps the bandwidth carry-over and hook marks when it retags a server', () => {
    const doc = server('vpn', { tags: ['customer-acme'] });
    const s = liveServer(server('vpn'));
    s.tags = [...s.tags, 'keelson:bw=2026-11:123', 'keelson:flipped=1700000000'].sort();
    const p = plan(manifests({ servers: [doc] }), live({ servers: [s] }));
    const update = p.changes.find((c) => c.id === 'Server/vpn#update')!;
    expect(update.payload.op === 'server.update' && update.payload.patch.tags).toEqual(
      expect.arrayContaining(['customer-acme', `keelson:owner=${OWNER}`, 'keelson:bw=2026-11:123', 'keelson:flipped=1700000000']),
    );
  });
});
