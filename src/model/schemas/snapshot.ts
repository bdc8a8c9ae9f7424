import { bool, int, kindSchema, obj, ref, str } from './common.ts';

export const snapshotSchema = kindSchema('Snapshot', 'snapshot.json', 'A named snapshot of a server (a golden image).', obj(
  {
    provider: { type: 'string', enum: ['vultr'], default: 'vultr', description: 'The provider that stores the snapshot.' },
    fromServer: { $ref: '#/$defs/name', description: 'The Server (by name) the snapshot is taken from.' },
    description: str('Human description (keelson appends its ownership marker; "[keelson:…]" is reserved and refused).', { maxLength: 120 }),
    refresh: obj(
      {
        schedule: ref('cron'),
        timezone: { $ref: '#/$defs/timezone', default: 'UTC', description: 'Time zone of the schedule.' },
      },
      ['schedule'],
      { description: 'Take a new snapshot on a schedule; the previous one is deleted once the new one is complete.' },
    ),
    keep: int('How many complete snapshots to keep.', 1, 10, 1),
    protect: bool('Never delete this snapshot.', false),
  },
  ['fromServer'],
  { description: 'The desired snapshot.' },
));
