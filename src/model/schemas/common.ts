/**
 * Building blocks shared by every kind's JSON Schema. The kind modules compose these; `build.ts`
 * inlines what each kind uses into its own `$defs`, so every file under `schemas/` stands alone
 * for editors (yaml-language-server) and for ajv.
 */
export type JsonSchema = Record<string, unknown>;

export const SCHEMA_BASE = 'https://keelson.dev/schemas/v1/';
export const API_VERSION = 'keelson.dev/v1';

/** `$ref` to a shared definition; build.ts copies the definition into the kind's `$defs`. */
export const ref = (name: keyof typeof defs): JsonSchema => ({ $ref: `#/$defs/${name}` });

export const obj = (properties: Record<string, JsonSchema>, required: string[] = [], extra: JsonSchema = {}): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required.length ? { required } : {}),
  ...extra,
});

export const str = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', description, ...extra });
export const bool = (description: string, dflt?: boolean): JsonSchema => ({ type: 'boolean', description, ...(dflt === undefined ? {} : { default: dflt }) });
export const int = (description: string, min: number, max: number, dflt?: number): JsonSchema => ({
  type: 'integer', description, minimum: min, maximum: max, ...(dflt === undefined ? {} : { default: dflt }),
});
/**
 * A duration field with an upper bound (`maxDuration`, checked by keelson's validator): a bound a
 * user would accept for the field, and one that keeps every wait far from what timers and dates hold.
 */
export const dur = (max: string, description: string, dflt?: string): JsonSchema => ({
  type: 'string', $ref: '#/$defs/duration', maxDuration: max, ...(dflt === undefined ? {} : { default: dflt }), description,
});
export const list = (items: JsonSchema, description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'array', description, items, ...extra });

/** "Exactly one of these fields": one branch per field (typed, so each branch compiles on its own in strict ajv). */
export const exactlyOneOf = (...fields: string[]): JsonSchema[] => fields.map((f) => ({ type: 'object', required: [f] }));

export const defs = {
  name: {
    type: 'string',
    description: 'A stable name: lowercase letters, digits and dashes, starting and ending with a letter or digit (at most 63).',
    pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
  },
  duration: {
    type: 'string',
    description: 'A duration such as "500ms", "30s", "5m", "1h30m" or "7d".',
    pattern: '^([0-9]+(ms|s|m|h|d))+$',
  },
  cron: {
    type: 'string',
    description: 'A cron expression with five fields (minute hour day-of-month month day-of-week), or six with seconds first.',
    format: 'cron',
  },
  timezone: {
    type: 'string',
    description: 'An IANA time zone such as "Europe/Berlin" or "UTC".',
    format: 'timezone',
  },
  recordName: {
    type: 'string',
    description: 'A DNS name relative to the zone ("www", "_dmarc", "*.eu"), "@" for the apex, or a full name ending in the zone (a trailing dot allowed).',
    minLength: 1,
    maxLength: 253,
    pattern: '^(@|(\\*|[A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9_])?)(\\.[A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9_])?)*\\.?)$',
  },
  headerValue: {
    type: 'string',
    description: 'An HTTP header value (one line: no CR, LF or NUL).',
    pattern: '^[^\\r\\n\\u0000]*$',
  },
  envName: {
    type: 'string',
    description: 'The name of an environment variable (never its value).',
    pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
  },
  labels: {
    type: 'object',
    description: 'Free-form key/value labels, used by selectors.',
    propertyNames: { pattern: '^[a-z0-9]([-a-z0-9_./]{0,61}[a-z0-9])?$' },
    additionalProperties: { type: 'string', maxLength: 63 },
  },
  selector: obj(
    { matchLabels: { $ref: '#/$defs/labels', description: 'Every label listed must match.' } },
    ['matchLabels'],
    { description: 'Selects servers by their labels.' },
  ),
  metadata: obj(
    {
      name: { $ref: '#/$defs/name', description: 'The stable identity of the resource; never a provider ID.' },
      labels: { $ref: '#/$defs/labels' },
      annotations: { type: 'object', description: 'Free-form notes; keelson ignores them.', additionalProperties: { type: 'string' } },
    },
    ['name'],
  ),
  healthCheck: obj(
    {
      type: { type: 'string', enum: ['http', 'tcp'], default: 'http', description: 'HTTP GET, or a plain TCP connect.' },
      port: int('The port to check.', 1, 65535),
      path: str('The HTTP path to GET.', { default: '/health', pattern: '^/' }),
      expectStatus: int('The HTTP status that means healthy.', 100, 599, 200),
      interval: dur('1h', 'Time between checks.', '5s'),
      timeout: dur('5m', 'How long one check may take.', '2s'),
      healthyThreshold: int('Consecutive passes that make a target healthy.', 1, 100, 2),
      unhealthyThreshold: int('Consecutive failures that make a target unhealthy.', 1, 100, 3),
    },
    ['port'],
    { description: 'How to tell whether a server or app answers.' },
  ),
  sshTarget: obj(
    {
      user: str('Remote user.', { default: 'root', pattern: '^[a-z_][a-z0-9_-]*$' }),
      port: int('SSH port.', 1, 65535, 22),
      keyFile: str('Path of the private key file (relative to the repository root, or absolute).'),
      keyFileEnv: { $ref: '#/$defs/envName', description: 'Environment variable holding the path of the private key file.' },
      keyEnv: { $ref: '#/$defs/envName', description: 'Environment variable holding the private key itself.' },
      passphraseEnv: { $ref: '#/$defs/envName', description: 'Environment variable holding the key passphrase.' },
      agent: bool('Use the SSH agent at $SSH_AUTH_SOCK.', false),
      knownHostsFile: str('Known-hosts file keelson checks host keys against (default .keelson/known_hosts).'),
      connectTimeout: dur('5m', 'Connection timeout.', '10s'),
      commandTimeout: dur('6h', 'Timeout of each remote step.', '5m'),
    },
    [],
    { description: 'How keelson connects over SSH.' },
  ),
  webhook: obj(
    {
      url: str('The URL to POST to.', { format: 'uri', pattern: '^https?://' }),
      method: { type: 'string', enum: ['POST', 'PUT'], default: 'POST', description: 'HTTP method.' },
      headers: { type: 'object', description: 'Extra headers with literal values.', additionalProperties: { $ref: '#/$defs/headerValue' } },
      headersFromEnv: { type: 'object', description: 'Extra headers whose values come from environment variables (name → variable).', additionalProperties: { $ref: '#/$defs/envName' } },
      signingSecretEnv: { $ref: '#/$defs/envName', description: 'Environment variable holding the HMAC-SHA256 secret; the signature goes in X-Keelson-Signature.' },
      timeout: dur('5m', 'Request timeout.', '10s'),
    },
    ['url'],
    { description: 'An HTTP endpoint that receives a JSON body.' },
  ),
} satisfies Record<string, JsonSchema>;

/** The envelope every manifest document shares, with the kind's own `spec`. */
export function kindSchema(kind: string, file: string, description: string, spec: JsonSchema): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_BASE}${file}`,
    title: kind,
    description,
    type: 'object',
    additionalProperties: false,
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { const: API_VERSION, description: `Always "${API_VERSION}".` },
      kind: { const: kind, description: `Always "${kind}".` },
      metadata: ref('metadata'),
      spec,
    },
  };
}
