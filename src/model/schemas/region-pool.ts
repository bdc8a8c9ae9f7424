import { kindSchema, list, obj, str } from './common.ts';

export const regionPoolSchema = kindSchema('RegionPool', 'region-pool.json', 'A named, ordered group of provider regions for placement and rotation.', obj(
  {
    provider: { type: 'string', enum: ['vultr'], default: 'vultr', description: 'The provider whose regions these are.' },
    regions: list(str('Region id.', { pattern: '^[a-z0-9-]{2,16}$' }), 'Regions in rotation order.', { minItems: 1, uniqueItems: true }),
  },
  ['regions'],
  { description: 'The pool.' },
));
