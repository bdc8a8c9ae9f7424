import { kindSchema, list, obj, ref } from './common.ts';

export const notifierSchema = kindSchema('Notifier', 'notifier.json', 'Where keelson sends events (a generic webhook with a JSON body; push services are webhooks).', obj(
  {
    webhook: ref('webhook'),
    events: list(
      { type: 'string', pattern: '^(\\*|[a-z]+(\\.([a-z-]+|\\*))?)$', description: 'Event name or pattern, e.g. "deploy.*", "failover.removed".' },
      'Events to send (default: all).',
      { default: ['*'], uniqueItems: true },
    ),
  },
  ['webhook'],
  { description: 'The notifier.' },
));
