import { bool, dur, exactlyOneOf, int, kindSchema, list, obj, ref, str } from './common.ts';

const host = obj(
  {
    name: { $ref: '#/$defs/name', description: 'Host name as keelson reports it.' },
    address: str('Address to connect to over SSH.', { minLength: 1 }),
    port: int('SSH port.', 1, 65535, 22),
  },
  ['name', 'address'],
);

const envMap = { type: 'object', description: 'Environment variables with literal values.', propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, additionalProperties: { type: 'string' } };
const envFromMap = {
  type: 'object',
  description: 'Environment variables whose values keelson reads from its own environment (name in the app → variable name), never written to a plan or log.',
  propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
  additionalProperties: { $ref: '#/$defs/envName' },
};

const container = obj(
  {
    image: str('Image reference, e.g. "ghcr.io/acme/api:1.4.2" (overridden by `deploy --image`).', { minLength: 1 }),
    runtime: { type: 'string', enum: ['auto', 'podman', 'docker'], default: 'auto', description: 'Container CLI on the host; auto prefers podman, then docker.' },
    containerPort: int('The port the app listens on inside the container.', 1, 65535, 80),
    pull: { type: 'string', enum: ['always', 'missing', 'never'], default: 'missing', description: 'When to pull the image.' },
    env: envMap,
    envFrom: envFromMap,
    args: list({ type: 'string' }, 'Arguments passed to the image\'s command.'),
    runOptions: list({ type: 'string' }, 'Extra options for `run` (e.g. "--memory=512m").'),
    portRange: obj(
      { from: int('First port.', 1024, 65535), to: int('Last port.', 1024, 65535) },
      ['from', 'to'],
      { description: 'Host ports (on 127.0.0.1) keelson picks a free one from for each new container.', default: { from: 20000, to: 20999 } },
    ),
  },
  ['image'],
  { description: 'Run the app as a container; each deploy starts a new container on a fresh port.' },
);

const git = obj(
  {
    repo: str('Git URL the host clones from.', { minLength: 1 }),
    ref: str('Branch, tag or commit to deploy (overridden by `deploy --ref`).', { default: 'main', minLength: 1 }),
    root: str('Folder on the host that holds the slots.', { pattern: '^/' }),
    slots: list(
      obj({ name: ref('name'), port: int('Port the slot listens on (127.0.0.1).', 1, 65535) }, ['name', 'port']),
      'Exactly two slots; one is live, the other idle.',
      { minItems: 2, maxItems: 2 },
    ),
    build: str('Shell command run in the checkout before start (e.g. "npm ci && npm run build").'),
    start: str('Shell command that runs the app in the foreground; $PORT is set to the slot\'s port.', { minLength: 1 }),
    env: envMap,
    envFrom: envFromMap,
  },
  ['repo', 'root', 'slots', 'start'],
  { description: 'Run the app from two git checkouts (slots) on the host, under a supervisor that survives the SSH session.' },
);

export const deploymentSchema = kindSchema('Deployment', 'deployment.json', 'An app deployed blue/green over SSH, gated on its health check.', obj(
  {
    targets: {
      type: 'object',
      description: 'Where the app runs: servers by name, by label, or hosts keelson does not manage.',
      oneOf: [
        obj({ servers: list({ $ref: '#/$defs/name' }, 'Servers by name.', { minItems: 1, uniqueItems: true }) }, ['servers']),
        obj({ selector: ref('selector') }, ['selector']),
        obj({ hosts: list(host, 'Hosts by address.', { minItems: 1 }) }, ['hosts']),
      ],
    },
    ssh: ref('sshTarget'),
    container,
    git,
    health: obj(
      {
        path: str('HTTP path to GET on the new version.', { default: '/health', pattern: '^/' }),
        expectStatus: int('Status that means healthy.', 100, 599, 200),
        interval: dur('1h', 'Time between checks.', '1s'),
        timeout: dur('5m', 'Timeout of one check.', '2s'),
        deadline: dur('6h', 'Give up (and roll back) after this long.', '60s'),
      },
      [],
      { description: 'The gate: traffic moves only once the new version answers.' },
    ),
    proxy: obj(
      {
        nginx: obj(
          {
            upstreamFile: str('The file holding the upstream block (included by nginx.conf).', { pattern: '^/' }),
            upstreamName: { $ref: '#/$defs/name', description: 'Name of the upstream block.' },
            command: str('How nginx is invoked on the host; "-t" and "-s reload" are appended.', { default: 'nginx', minLength: 1 }),
            verifyUrl: str('URL on the host that nginx serves the app at, checked after the reload (e.g. "http://127.0.0.1/health").', { pattern: '^https?://' }),
          },
          ['upstreamFile', 'upstreamName'],
        ),
      },
      ['nginx'],
      { description: 'The switching proxy on each host.' },
    ),
    strategy: obj(
      {
        maxParallel: int('Hosts deployed at the same time.', 1, 100, 1),
        drain: dur('1h', 'Time the old version keeps running after the switch, for in-flight requests.', '5s'),
        keepPrevious: bool('Keep the previous version ready for `keelson rollback`.', true),
        lockTtl: dur('24h', 'A host lock older than this may be taken over.', '15m'),
      },
      [],
      { description: 'How hosts are rolled.' },
    ),
    notify: list({ $ref: '#/$defs/name' }, 'Notifiers (by name) told about deploy events.', { uniqueItems: true }),
  },
  ['targets', 'proxy'],
  {
    description: 'The deployment. Exactly one of `container` or `git`.',
    oneOf: exactlyOneOf('container', 'git'),
  },
));
