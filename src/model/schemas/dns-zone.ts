import { bool, exactlyOneOf, int, kindSchema, list, obj, ref, str } from './common.ts';

const ttl = { description: 'TTL in seconds (60..86400), or "auto" (Cloudflare\'s automatic TTL).', oneOf: [{ type: 'integer', minimum: 60, maximum: 86400 }, { const: 'auto' }] };

const failover = obj(
  {
    check: ref('healthCheck'),
    minHealthy: int('Never drop below this many targets in the record set, even if they fail their checks.', 1, 100, 1),
    holdDown: { $ref: '#/$defs/duration', default: '30s', description: 'A removed target stays out at least this long, and comes back only after healthyThreshold passes in a row (no flapping).' },
    scheme: { type: 'string', enum: ['http', 'https'], default: 'http', description: 'For an http check: plain HTTP, or HTTPS with the record\'s name as TLS server name. Either way the Host header is the record\'s name.' },
    tlsVerify: bool('For https: verify the certificate against the record\'s name.', true),
    notify: list({ $ref: '#/$defs/name' }, 'Notifiers (by name) told when a target goes down or comes back, is held at minHealthy, or the prober is suspect.', { uniqueItems: true }),
  },
  ['check'],
  { description: 'Probe every target of this A/AAAA record set (from the controller); remove the record of a target that fails its check, and put it back when it recovers.' },
);

const record = obj(
  {
    name: ref('recordName'),
    type: { type: 'string', enum: ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SRV', 'CAA'], description: 'Record type.' },
    ttl,
    proxied: bool('Proxy through Cloudflare (A, AAAA and CNAME only).', false),
    value: str('One literal value (an address, a target name, text).', { minLength: 1 }),
    values: list(str('A literal value.', { minLength: 1 }), 'Several literal values: one record each (round robin).', { minItems: 1, uniqueItems: true }),
    servers: list({ $ref: '#/$defs/name' }, 'Servers (by name) whose addresses this A/AAAA record set holds.', { minItems: 1, uniqueItems: true }),
    serverSelector: ref('selector'),
    priority: int('MX/SRV priority.', 0, 65535),
    comment: str('A note on the record (keelson appends its ownership marker; the whole must fit the zone plan\'s limit; "[k:…]" is reserved and refused).', { maxLength: 60 }),
    failover,
  },
  ['name', 'type'],
  {
    description: 'A record set: one name and type, with literal values or server targets.',
    oneOf: exactlyOneOf('value', 'values', 'servers', 'serverSelector'),
  },
);

export const dnsZoneSchema = kindSchema('DNSZone', 'dns-zone.json', 'A Cloudflare zone and the records keelson manages in it.', obj(
  {
    provider: { type: 'string', enum: ['cloudflare'], default: 'cloudflare', description: 'The DNS provider.' },
    zone: str('The zone\'s domain name, e.g. "example.com".', { pattern: '^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$' }),
    defaultTtl: { ...ttl, description: 'TTL for records that name none: seconds (60..86400) or "auto"; default: keelson.yaml defaults.dnsTtl, else "auto".' },
    records: list(record, 'The records keelson manages; others in the zone are reported, never changed.', { default: [] }),
  },
  ['zone'],
  { description: 'The zone.' },
));
