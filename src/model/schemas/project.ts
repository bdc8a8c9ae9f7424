import { int, kindSchema, list, obj, ref, str } from './common.ts';

export const projectSchema = kindSchema('Project', 'project.json', 'The project file, keelson.yaml, at the repository root.', obj(
  {
    owner: str('Owner id written into every ownership marker; keelson changes only resources that carry it.', {
      pattern: '^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$',
    }),
    manifests: str('Folder of manifests, relative to the repository root.', { default: 'manifests', minLength: 1 }),
    providers: obj(
      {
        vultr: obj(
          {
            apiKeyEnv: { $ref: '#/$defs/envName', default: 'VULTR_API_KEY', description: 'Environment variable holding the Vultr API key.' },
            baseUrlEnv: { $ref: '#/$defs/envName', default: 'VULTR_BASE_URL', description: 'Environment variable that may point the Vultr client elsewhere (e.g. the simulator).' },
            requestsPerSecond: int('Request budget shared by everything in the process.', 1, 30, 25),
          },
          [],
          { description: 'Vultr settings.' },
        ),
        cloudflare: obj(
          {
            apiTokenEnv: { $ref: '#/$defs/envName', default: 'CLOUDFLARE_API_TOKEN', description: 'Environment variable holding the Cloudflare API token.' },
            baseUrlEnv: { $ref: '#/$defs/envName', default: 'CLOUDFLARE_BASE_URL', description: 'Environment variable that may point the Cloudflare client elsewhere.' },
            requestsPerFiveMinutes: int('Request budget shared by everything in the process.', 1, 1200, 1100),
          },
          [],
          { description: 'Cloudflare settings.' },
        ),
      },
      [],
      { description: 'Provider settings; credentials are named by environment variable, never written here.' },
    ),
    safety: obj(
      {
        maxChangePercent: int('Refuse a plan that deletes, replaces or updates more than this share of a kind…', 1, 100, 30),
        minCountForPercent: int('…when the kind has at least this many live resources.', 1, 100000, 10),
      },
      [],
      { description: 'Limits that refuse an unsafe plan unless forced.' },
    ),
    rebuilds: obj(
      {
        maxConcurrent: int('Rebuilds running at once across the whole fleet (scheduled rebuilds, enforced by `keelson controller`).', 1, 1000, 10),
        maxPerRegion: int('Rebuilds building in one region at once.', 1, 1000, 5),
      },
      [],
      { description: 'Limits on concurrent scheduled rebuilds.' },
    ),
    lock: obj(
      {
        backend: { type: 'string', enum: ['git', 'none'], default: 'git', description: 'Where the lock every writing verb takes lives: "git" (a ref in the repository\'s remote) or "none" (no lock: only when nothing else ever writes to these providers and hosts).' },
        remote: str('The git remote holding the lock.', { default: 'origin', minLength: 1 }),
        ref: str('The ref the lock lives in.', { default: 'refs/keelson/lock', pattern: '^refs/[A-Za-z0-9._/-]+$' }),
        ttl: { $ref: '#/$defs/duration', default: '2m', description: 'How long a lock lives without renewal: how long a crashed run blocks the next one.' },
        renew: { $ref: '#/$defs/duration', description: 'How often the holder renews the lock (at most half the ttl; default a quarter of it).' },
        wait: { $ref: '#/$defs/duration', default: '0s', description: 'How long a verb waits for another holder before giving up (`--lock-wait` overrides).' },
      },
      [],
      { description: 'The lock that keeps two keelson runs on one repository from writing at once (see the README, "Locking").' },
    ),
    defaults: obj(
      {
        region: str('Region for servers that name none.', { pattern: '^[a-z0-9-]{2,16}$' }),
        sshKeys: list(str('SSH key name.', { minLength: 1 }), 'SSH keys for servers that name none.', { uniqueItems: true }),
        dnsTtl: { description: 'TTL for records whose zone names none: seconds (60..86400) or "auto".', default: 'auto', oneOf: [{ type: 'integer', minimum: 60, maximum: 86400 }, { const: 'auto' }] },
        ssh: ref('sshTarget'),
      },
      [],
      { description: 'Defaults filled into manifests that leave a field out.' },
    ),
  },
  ['owner'],
  { description: 'Project settings.' },
));
