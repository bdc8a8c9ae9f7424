import type { SimRecord, SimZone, ZonePlan } from '../types.ts';

const recordCache = new WeakMap<SimRecord, string>();

/**
 * A record as the v4 API returns it. The spec requires `comment` (a string), `tags` and `data` on
 * every record, so an absent comment reads `""` and records without structured data carry `{}`.
 */
export function recordView(r: SimRecord): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    content: r.content,
    proxiable: r.type === 'A' || r.type === 'AAAA' || r.type === 'CNAME',
    proxied: r.proxied,
    ttl: r.ttl,
    settings: r.settings,
    meta: {},
    comment: r.comment ?? '',
    tags: r.tags,
    ...(r.priority !== undefined && { priority: r.priority }),
    data: r.data ?? {},
    created_on: r.created_on,
    modified_on: r.modified_on,
    ...(r.comment_modified_on && { comment_modified_on: r.comment_modified_on }),
    ...(r.tags_modified_on && { tags_modified_on: r.tags_modified_on }),
  };
}

/** The record view serialized once per stored version (records are replaced, never mutated). */
export function recordJson(r: SimRecord): string {
  let json = recordCache.get(r);
  if (json === undefined) {
    json = JSON.stringify(recordView(r));
    recordCache.set(r, json);
  }
  return json;
}

const PLANS: Record<ZonePlan, { id: string; name: string; price: number }> = {
  free: { id: '0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee', name: 'Free Website', price: 0 },
  pro: { id: '94f3b7b768b0458b56d2cac4fe5ec0f9', name: 'Pro Website', price: 20 },
  business: { id: '6cb7c6f43f4fbd0a4bdc1ecba3b3e4a4', name: 'Business Website', price: 200 },
  enterprise: { id: '1ac039f6c29b691475c3d74fe588d1ae', name: 'Enterprise Website', price: 5000 },
};

/** A zone as `GET /zones` returns it. */
export function zoneView(z: SimZone): Record<string, unknown> {
  const plan = PLANS[z.plan];
  return {
    id: z.id,
    name: z.name,
    status: z.status,
    paused: false,
    type: 'full',
    development_mode: 0,
    name_servers: z.name_servers,
    original_name_servers: null,
    original_registrar: null,
    original_dnshost: null,
    vanity_name_servers: [],
    created_on: z.created_on,
    modified_on: z.created_on,
    activated_on: z.status === 'active' ? z.created_on : null,
    meta: { step: 2, custom_certificate_quota: 0, page_rule_quota: 3, phishing_detected: false, foundation_dns: false },
    owner: { id: z.account.id, type: 'organization', name: z.account.name },
    account: z.account,
    tenant: {},
    tenant_unit: {},
    permissions: ['#dns_records:edit', '#dns_records:read', '#zone:read'],
    plan: {
      id: plan.id, name: plan.name, price: plan.price, currency: 'USD', frequency: z.plan === 'free' ? '' : 'monthly', is_subscribed: true,
      can_subscribe: false, legacy_id: z.plan, legacy_discount: false, externally_managed: false,
    },
  };
}
