import { kindSchema, list, obj, ref } from './common.ts';

export const notifierSchema = kindSchema('Notifier', 'notifier.json', 'Where keelson sends events (a generic webhook with a JSON body; push services are webhooks).', obj(
  {
    webhook: ref('webhook'),
    format: {
      type: 'string', enum: ['keelson', 'ntfy', 'pushover', 'slack', 'discord'], default: 'keelson',
      description: 'Body format: keelson\'s signed JSON event, an ntfy topic URL, Pushover\'s messages API, or a Slack-compatible or Discord incoming webhook.',
    },
    pushover: obj(
      {
        tokenEnv: { $ref: '#/$defs/envName', description: 'Environment variable holding the Pushover application token.' },
        userEnv: { $ref: '#/$defs/envName', description: 'Environment variable holding the Pushover user or group key.' },
      },
      ['tokenEnv', 'userEnv'],
      { description: 'Pushover credentials (format: pushover).' },
    ),
    events: list(
      { type: 'string', pattern: '^(\\*|[a-z]+(\\.([a-z-]+|\\*))?)$', description: 'Event name or pattern, e.g. "deploy.*", "failover.removed".' },
      'Events to send (default: all).',
      { default: ['*'], uniqueItems: true },
    ),
  },
  ['webhook'],
  { description: 'The notifier.', if: { properties: { format: { const: 'pushover' } }, required: ['format'] }, then: { required: ['pushover'] } },
));
