import type { RebuildPolicy, ServerDoc, ServerSpec } from '../../src/model/types.ts';

/** A normalized Server document with defaults, for tests that need no loader. */
export function serverDoc(name: string, spec: Partial<ServerSpec> = {}, rebuild?: Partial<RebuildPolicy>): ServerDoc {
  return {
    kind: 'Server',
    metadata: { name, labels: {}, annotations: {} },
    source: { file: 'manifests/servers.yaml', line: 1, col: 1 },
    spec: {
      provider: 'vultr',
      region: 'ewr',
      plan: 'vc2-1c-1gb',
      image: { snapshot: 'golden' },
      sshKeys: [],
      enableIpv6: false,
      tags: [],
      protect: false,
      dns: [],
      destroyHooks: [],
      ...spec,
      ...(rebuild
        ? {
            rebuild: {
              timezone: 'UTC',
              jitter: 0,
              rotateRegions: false,
              regions: [],
              freshSnapshot: false,
              installTimeout: 3_600_000,
              ...rebuild,
            },
          }
        : {}),
    },
  };
}
