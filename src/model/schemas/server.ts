import { bool, dur, int, kindSchema, list, obj, ref, str } from './common.ts';

const dnsName = obj(
  {
    zone: str('The DNSZone (by metadata.name) that holds the record.', { pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' }),
    name: str('Record name relative to the zone ("vpn-acme"), "@" for the apex, or a full name ending in the zone.'),
    type: { type: 'string', enum: ['A', 'AAAA'], default: 'A', description: 'A follows the IPv4 address, AAAA the IPv6 address.' },
    ttl: { description: 'TTL in seconds (60..86400), or "auto".', oneOf: [{ type: 'integer', minimum: 60, maximum: 86400 }, { const: 'auto' }] },
    proxied: bool('Proxy through Cloudflare.', false),
  },
  ['zone', 'name'],
  { description: 'A DNS record that follows this server\'s address.' },
);

const destroyHook = {
  type: 'object',
  description: 'Run when the server is destroyed: a signed webhook, or a command over SSH on another host.',
  oneOf: [
    obj({ name: ref('name'), webhook: ref('webhook') }, ['name', 'webhook']),
    obj(
      {
        name: ref('name'),
        ssh: obj(
          {
            host: str('Host name or address to connect to.'),
            ssh: ref('sshTarget'),
            command: str('Shell command to run; ${server}, ${hostname}, ${ip} and labels as ${label.KEY} are substituted (shell-quoted).'),
          },
          ['host', 'command'],
        ),
      },
      ['name', 'ssh'],
    ),
  ],
};

export const serverSchema = kindSchema('Server', 'server.json', 'A virtual server at a provider, optionally rebuilt on a schedule.', obj(
  {
    provider: { type: 'string', enum: ['vultr'], default: 'vultr', description: 'The provider that runs the server.' },
    region: str('Provider region id, e.g. "ewr". Either region or regionPool.', { pattern: '^[a-z0-9-]{2,16}$' }),
    regionPool: { $ref: '#/$defs/name', description: 'A RegionPool; the server is placed in its first region and rebuilds rotate through it.' },
    plan: str('Provider plan id, e.g. "vc2-1c-1gb".', { pattern: '^[a-z0-9-]{2,64}$' }),
    image: {
      type: 'object',
      description: 'What the server is installed from: an operating system by name, or a Snapshot by name.',
      oneOf: [
        obj({ os: str('Operating system name as the provider lists it, e.g. "Ubuntu 24.04 LTS x64".', { minLength: 1 }) }, ['os']),
        obj({ snapshot: { $ref: '#/$defs/name', description: 'A Snapshot manifest by name.' } }, ['snapshot']),
      ],
    },
    hostname: str('Hostname set at install (changing it reinstalls the server, so it is planned as a replacement).', {
      pattern: '^[a-zA-Z0-9]([-a-zA-Z0-9.]{0,62}[a-zA-Z0-9])?$',
    }),
    sshKeys: list(str('An SSHKey manifest by name, or the name of a key already uploaded to the provider.', { minLength: 1 }), 'SSH keys installed on the server at install time: SSHKey manifests, or keys uploaded by hand, by name.', { uniqueItems: true }),
    startupScript: str('A StartupScript manifest by name, or the name of a script already at the provider.', { minLength: 1 }),
    userData: str('Cloud-init user data (plain text).', { maxLength: 65536 }),
    enableIpv6: bool('Give the server an IPv6 address.', false),
    tags: list(str('Tag.', { pattern: '^[A-Za-z0-9][-A-Za-z0-9_.:=]{0,63}$' }), 'Extra provider tags (keelson adds its own ownership tags; tags starting with "keelson:" are reserved and refused).', { uniqueItems: true }),
    protect: bool('Never delete or replace this server.', false),
    healthCheck: ref('healthCheck'),
    dns: list(dnsName, 'DNS records that follow this server\'s address.'),
    rebuild: obj(
      {
        schedule: ref('cron'),
        timezone: { $ref: '#/$defs/timezone', default: 'UTC', description: 'Time zone of the schedule.' },
        window: obj(
          {
            start: str('Start of the maintenance window, "HH:MM".', { pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
            end: str('End of the maintenance window, "HH:MM" (may be past midnight).', { pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
          },
          ['start', 'end'],
          { description: 'Scheduled rebuilds start only inside this daily window.' },
        ),
        jitter: dur('24h', 'Random delay added to each scheduled run, to spread a fleet.', '0s'),
        rotateRegions: bool('Move to the next region of the pool (or `regions`) on every rebuild, for a new IP.', false),
        regions: list(str('Region id.', { pattern: '^[a-z0-9-]{2,16}$' }), 'Regions to rotate through when the server has no regionPool.', { uniqueItems: true, minItems: 1 }),
        snapshot: { $ref: '#/$defs/name', description: 'Snapshot to rebuild from (default: the image snapshot).' },
        freshSnapshot: bool('Take a new snapshot of the current server before rebuilding from it.', false),
        drain: dur('7d', 'How long to wait after the DNS flip before destroying the old server (default: the record TTL).'),
        installTimeout: dur('24h', 'How long to wait for the new server to be installed.', '60m'),
      },
      [],
      { description: 'How and when the server is rebuilt.' },
    ),
    bandwidth: obj(
      { monthlyLimitGB: int('Monthly traffic allowance in GB (incoming + outgoing), carried across rebuilds.', 1, 1_000_000) },
      ['monthlyLimitGB'],
      { description: 'Traffic accounting.' },
    ),
    destroyHooks: list(destroyHook, 'Run, in order, when the server is destroyed (customer cancels).'),
  },
  ['plan', 'image'],
  { description: 'The desired server.' },
));
