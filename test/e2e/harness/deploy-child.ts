/**
 * A keelson deploy in its own process, so a test can kill it mid-deploy: reads a Deployment document
 * (JSON) and a root from argv, deploys argv[4], prints progress lines, exits 0 or 1.
 */
import { readFileSync } from 'node:fs';
import { rollout, renderSummary } from '../../../src/deploy/rollout.ts';
import type { DeploymentDoc } from '../../../src/model/types.ts';

const [docFile, root, version] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(docFile as string, 'utf8')) as DeploymentDoc;
const hosts = 'hosts' in doc.spec.targets ? doc.spec.targets.hosts : [];
const summary = await rollout({ doc, action: 'deploy', version, hosts, root: root as string, report: (p) => console.log(`${p.host} ${p.step}: ${p.message}`) });
for (const line of renderSummary(summary)) console.log(line);
process.exitCode = summary.ok ? 0 : 1;
