/** Small valid documents the bad-manifest corpus starts from; line numbers noted for the expectations. */

/** Lines 1–5: apiVersion, kind, metadata, name, spec. */
export const head = (kind: string, name: string): string => `apiVersion: keelson.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n`;

/** A Server; `extra` (indented under spec) starts at line 10. */
export const srv = (name: string, extra = ''): string => `${head('Server', name)}  region: ewr\n  plan: vc2-1c-1gb\n  image:\n    os: Ubuntu 24.04 LTS x64\n${extra}`;

/** A Server without a region; `extra` starts at line 9. */
export const srvNoRegion = (name: string, extra = ''): string => `${head('Server', name)}  plan: vc2-1c-1gb\n  image:\n    os: Ubuntu 24.04 LTS x64\n${extra}`;

/** A Server from a snapshot; `extra` starts at line 10. */
export const srvFromSnap = (name: string, snapshot: string, extra = ''): string => `${head('Server', name)}  region: ewr\n  plan: vc2-1c-1gb\n  image:\n    snapshot: ${snapshot}\n${extra}`;

/** A DNSZone; the records (indented four spaces, `- name:` first) start at line 8. */
export const zone = (name: string, domain: string, records = ''): string => `${head('DNSZone', name)}  zone: ${domain}\n  records:\n${records || '    []\n'}`;

export const snap = (name: string, fromServer: string): string => `${head('Snapshot', name)}  fromServer: ${fromServer}\n`;
export const pool = (name: string, regions: string[]): string => `${head('RegionPool', name)}  regions: [${regions.join(', ')}]\n`;
export const notifier = (name: string): string => `${head('Notifier', name)}  webhook:\n    url: https://hooks.example.com/x\n`;

/** A container Deployment on `servers`; `extra` starts at line 14. */
export const deploy = (name: string, servers: string, extra = ''): string =>
  `${head('Deployment', name)}  targets:\n    servers: [${servers}]\n  container:\n    image: registry.example.com/app:1\n  proxy:\n    nginx:\n      upstreamFile: /etc/nginx/conf.d/app.conf\n      upstreamName: app\n${extra}`;

/** A git Deployment on server a; `slots:` is line 15, each slot two lines from 16. */
export const gitDeploy = (name: string, slots: [string, number][], extra = ''): string =>
  `${head('Deployment', name)}  targets:\n    servers: [a]\n  proxy:\n    nginx:\n      upstreamFile: /etc/nginx/conf.d/app.conf\n      upstreamName: app\n  git:\n    repo: https://git.example.com/app.git\n    root: /srv/app\n    slots:\n${slots.map(([n, p]) => `      - name: ${n}\n        port: ${p}\n`).join('')}    start: node server.js\n${extra}`;
