/** One plan with every action, a long value, a secret and an unmanaged resource, for render and file tests. */
import type { Plan } from '../../src/plan/types.ts';
import { live, liveRecord, liveServer, manifests, server, zone } from './builders.ts';
import { plan } from './table.ts';

export const CANARY = 'canary-secret-7f3a9c';

export function samplePlan(): Plan {
  const api = server('api-ewr');
  const vpn = server('vpn-acme');
  const old = server('old-box');
  const longOld = `v=DKIM1; k=rsa; p=${'A'.repeat(70)}`;
  const longNew = `v=DKIM1; k=rsa; p=${'A'.repeat(60)}BBBB${'A'.repeat(6)}`;
  return plan(
    manifests({
      servers: [server('web-ewr', { userData: `#cloud-config\npassword: ${CANARY}\n`, line: 3 }), server('api-ewr', { plan: 'vc2-2c-4gb', line: 20 }), server('vpn-acme', { region: 'ams', line: 40 })],
      zones: [zone('example-com', 'example.com', [
        { name: 'www', servers: ['web-ewr'] }, { name: 'vpn', servers: ['vpn-acme'] }, { name: 'mail._domainkey', type: 'TXT', values: [longNew] },
      ])],
    }),
    live({
      servers: [liveServer(api, { id: 'srv-api', ipv4: '192.0.2.20' }), liveServer(vpn, { id: 'srv-vpn', ipv4: '192.0.2.30' }), liveServer(old, { id: 'srv-old', ipv4: '192.0.2.40' }), liveServer(server('manual'), { owner: null, id: 'srv-manual' })],
      records: [
        liveRecord('example.com', 'vpn.example.com', 'A', '192.0.2.30', { id: 'r-vpn' }),
        liveRecord('example.com', 'mail._domainkey.example.com', 'TXT', longOld, { id: 'r-dkim' }),
        liveRecord('example.com', 'legacy.example.com', 'CNAME', 'old.example.net', { id: 'r-legacy' }),
      ],
    }),
  );
}
