/**
 * The bad-manifest corpus: each case is a small repository and the problems it must produce,
 * as [file, line, gist of the message]. Hostile inputs that need generating live in corpus.test.ts.
 */
import { deploy, gitDeploy, head, notifier, pool, snap, srv, srvFromSnap, srvNoRegion, zone } from './corpus-docs.ts';

export interface CorpusCase {
  name: string;
  /** Files relative to the repository root; `manifests/` unless the path says otherwise. */
  files: Record<string, string>;
  expect: [file: string, line: number, gist: string | RegExp][];
}

const M = 'manifests/a.yaml';
const one = (name: string, text: string, expect: CorpusCase['expect']): CorpusCase => ({ name, files: { [M]: text }, expect });
const rec = (lines: string): string => lines.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');

export const CASES: CorpusCase[] = [
  // YAML itself
  one('duplicate key', srv('a', '  plan: vc2-1c-2gb\n'), [[M, 10, 'duplicate key']]),
  one('unclosed quote', srv('a', '  hostname: "web\n'), [[M, 11, 'YAML: Missing closing "quote']]),
  one('tab indentation', `${head('Server', 'a')}\tplan: x\n`, [[M, 6, 'YAML:']]),
  one('empty file', '', [[M, 1, 'no YAML documents']]),
  one('only comments', '# nothing here\n# at all\n', [[M, 1, 'no YAML documents']]),
  one('document is a list', '- a\n- b\n', [[M, 1, 'a document must be a map']]),
  one('document is a scalar', 'hello\n', [[M, 1, 'a document must be a map']]),
  // envelope
  one('unknown kind', srv('a').replace('kind: Server', 'kind: Servr'), [[M, 2, /unknown kind "Servr" \(did you mean "Server"\?\)/]]),
  one('unknown apiVersion', srv('a').replace('keelson.dev/v1', 'keelson.dev/v2'), [[M, 1, 'unknown apiVersion "keelson.dev/v2"']]),
  one('missing apiVersion', srv('a').replace('apiVersion: keelson.dev/v1\n', ''), [[M, 1, 'missing required field "apiVersion"']]),
  one('missing kind', srv('a').replace('kind: Server\n', ''), [[M, 1, 'missing required field "kind"']]),
  one('Project kind in manifests', head('Project', 'p') + '  owner: x\n', [[M, 2, 'belongs in keelson.yaml']]),
  one('missing metadata.name', srv('a').replace('  name: a\n', '  labels: {}\n'), [[M, 3, 'missing required field "name"']]),
  one('name with capitals', srv('Web_1'), [[M, 4, '"Web_1" is not a valid name']]),
  one('missing spec', 'apiVersion: keelson.dev/v1\nkind: Notifier\nmetadata:\n  name: n\n', [[M, 1, 'missing required field "spec"']]),
  // wrong types and unknown fields
  one('unknown field', srv('a', '  colour: red\n'), [[M, 10, 'unknown field "colour"']]),
  one('typo field', srv('a', '  hostnme: web\n'), [[M, 10, 'unknown field "hostnme" (did you mean "hostname"?)']]),
  one('unknown metadata field', srv('a').replace('  name: a\n', '  name: a\n  owner: me\n'), [[M, 5, 'unknown field "owner"']]),
  one('missing plan', srv('a').replace('  plan: vc2-1c-1gb\n', ''), [[M, 5, 'missing required field "plan"']]),
  one('plan is a number', srv('a').replace('plan: vc2-1c-1gb', 'plan: 5'), [[M, 7, 'must be a string, got number 5 (quote it: "5")']]),
  one('yaml 1.1 boolean no', srv('a', '  protect: no\n'), [[M, 10, '"no" is a string in YAML 1.2, not a boolean: use true or false']]),
  one('yaml 1.1 boolean yes', srv('a', '  enableIpv6: yes\n'), [[M, 10, '"yes" is a string in YAML 1.2']]),
  one('yaml 1.1 boolean on', zone('z', 'example.com', rec('- name: www\n  type: A\n  value: 192.0.2.1\n  proxied: on\n')), [[M, 11, 'use true or false']]),
  one('boolean in a label', srv('a').replace('  name: a\n', '  name: a\n  labels:\n    active: true\n'), [[M, 6, 'must be a string, got boolean true (quote it: "true")']]),
  one('list instead of map', srv('a', '  healthCheck: [80]\n'), [[M, 10, 'must be a map, got a list']]),
  one('bad region id', srv('a').replace('region: ewr', 'region: EWR!'), [[M, 6, '"EWR!" does not match']]),
  one('port out of range', srv('a', '  healthCheck:\n    port: 70000\n'), [[M, 11, 'must be <= 65535']]),
  one('missing health port', srv('a', '  healthCheck:\n    path: /health\n'), [[M, 10, 'missing required field "port"']]),
  one('bad duration', srv('a', '  rebuild:\n    jitter: 5 minutes\n'), [[M, 11, '"5 minutes" is not a duration']]),
  one('bad cron', srv('a', '  rebuild:\n    schedule: "61 * * * *"\n'), [[M, 11, '"61 * * * *" is not a valid cron expression']]),
  one('bad timezone', srv('a', '  rebuild:\n    schedule: "0 4 * * 1"\n    timezone: Mars/Olympus\n'), [[M, 12, '"Mars/Olympus" is not an IANA time zone']]),
  one('bad window time', srv('a', '  rebuild:\n    window:\n      start: "25:00"\n      end: "05:00"\n'), [[M, 12, '"25:00" does not match']]),
  one('image with os and snapshot', srv('a').replace('    os: Ubuntu 24.04 LTS x64\n', '    os: Ubuntu 24.04 LTS x64\n    snapshot: golden\n'), [[M, 8, 'has "os" and "snapshot"; use exactly one of: os, snapshot']]),
  one('image with neither', srv('a').replace('  image:\n    os: Ubuntu 24.04 LTS x64\n', '  image: {}\n'), [[M, 8, 'needs one of: os, snapshot']]),
  one('image with a typo', srv('a').replace('    os: Ubuntu', '    oss: Ubuntu'), [[M, 8, 'needs one of: os, snapshot'], [M, 9, 'unknown field "oss" (did you mean "os"?)']]),
  one('bad destroy hook url', srv('a', '  destroyHooks:\n    - name: billing\n      webhook:\n        url: ftp://example.com/x\n'), [[M, 13, '"ftp://example.com/x" does not match']]),
  one('destroy hook with neither', srv('a', '  destroyHooks:\n    - name: billing\n'), [[M, 11, 'needs one of: webhook, ssh']]),
  one('ttl as a duration', zone('z', 'example.com', rec('- name: www\n  type: A\n  value: 192.0.2.1\n  ttl: 30s\n')), [[M, 11, '"30s" is not valid here: expected TTL in seconds (60..86400)']]),
  one('ttl too small', zone('z', 'example.com', rec('- name: www\n  type: A\n  value: 192.0.2.1\n  ttl: 30\n')), [[M, 11, 'must be >= 60']]),
  one('record with value and values', zone('z', 'example.com', rec('- name: www\n  type: A\n  value: 192.0.2.1\n  values: [192.0.2.2]\n')), [[M, 8, 'has "value" and "values"']]),
  one('record without a value', zone('z', 'example.com', rec('- name: www\n  type: A\n')), [[M, 8, 'needs one of: value, values, servers, serverSelector']]),
  one('unknown record type', zone('z', 'example.com', rec('- name: www\n  type: SPF\n  value: x\n')), [[M, 9, '"SPF" is not one of: "A"']]),
  one('comment too long', zone('z', 'example.com', rec(`- name: www\n  type: TXT\n  value: x\n  comment: ${'c'.repeat(61)}\n`)), [[M, 11, 'must NOT have more than 60 characters']]),
  one('zone domain with capitals', zone('z', 'Example.COM'), [[M, 6, '"Example.COM" does not match']]),
  one('deployment with container and git', deploy('d', 'a', '  git:\n    repo: x\n    root: /srv\n    start: x\n    slots: [{name: a, port: 1}, {name: b, port: 2}]\n'), [[M, 5, 'has "container" and "git"']]),
  one('deployment with neither source', deploy('d', 'a').replace('  container:\n    image: registry.example.com/app:1\n', ''), [[M, 5, 'needs one of: container, git']]),
  one('three slots', gitDeploy('d', [['blue', 3001], ['red', 3002], ['green', 3003]]), [[M, 15, 'must NOT have more than 2 items']]),
  one('targets servers and selector', deploy('d', 'a').replace('    servers: [a]\n', '    servers: [a]\n    selector:\n      matchLabels: {app: x}\n'), [[M, 6, 'has "servers" and "selector"']]),
  one('bad env var name', deploy('d', 'a').replace('    image: registry.example.com/app:1\n', '    image: registry.example.com/app:1\n    envFrom:\n      DB: my-var\n'), [[M, 11, '"my-var" is not an environment variable name']]),
  one('bad notifier event', notifier('n') + '  events: [Deploy]\n', [[M, 8, '"Deploy" does not match']]),
  one('pool without regions', pool('p', []), [[M, 6, 'must NOT have fewer than 1 items']]),
  one('snapshot keep too large', snap('s', 'a') + '  keep: 50\n', [[M, 7, 'must be <= 10']]),
  // keelson.yaml
  { name: 'project without owner', files: { 'keelson.yaml': head('Project', 'p') + '  manifests: manifests\n', [M]: srv('a') }, expect: [['keelson.yaml', 5, 'missing required field "owner"']] },
  { name: 'project unknown field', files: { 'keelson.yaml': head('Project', 'p') + '  owner: x\n  region: ewr\n', [M]: srv('a') }, expect: [['keelson.yaml', 7, 'unknown field "region"']] },
  { name: 'project with two documents', files: { 'keelson.yaml': `${head('Project', 'p')}  owner: x\n---\n${srv('a')}`, [M]: srv('b') }, expect: [['keelson.yaml', 8, 'holds one document']] },
  { name: 'server kind in keelson.yaml', files: { 'keelson.yaml': srv('a'), [M]: srv('b') }, expect: [['keelson.yaml', 2, 'belongs in the manifests folder']] },
  { name: 'missing manifests folder', files: { 'keelson.yaml': head('Project', 'p') + '  owner: x\n  manifests: nowhere\n' }, expect: [['nowhere', 1, 'manifests folder not found']] },
  // rules across documents
  { name: 'duplicate server name', files: { [M]: srv('a'), 'manifests/b.yaml': srv('a') }, expect: [['manifests/b.yaml', 4, 'Server "a" is already declared at manifests/a.yaml:1']] },
  one('dangling region pool', srvNoRegion('a', '  regionPool: eu\n'), [[M, 9, 'RegionPool "eu" does not exist']]),
  one('dangling image snapshot', srvFromSnap('a', 'golden'), [[M, 9, 'Snapshot "golden" does not exist']]),
  one('dangling fromServer', snap('s', 'builder'), [[M, 6, 'Server "builder" does not exist']]),
  one('dangling server dns zone', srv('a', '  dns:\n    - zone: nope\n      name: www\n'), [[M, 11, 'DNSZone "nope" does not exist']]),
  one('dangling record server', zone('z', 'example.com', rec('- name: www\n  type: A\n  servers: [ghost]\n')), [[M, 10, 'Server "ghost" does not exist']]),
  one('dangling deployment target', deploy('d', 'ghost'), [[M, 7, 'Server "ghost" does not exist']]),
  one('dangling failover notifier', `${srv('a')}---\n${zone('z', 'example.com', rec('- name: www\n  type: A\n  servers: [a]\n  failover:\n    check: {port: 80}\n    notify: [pager]\n'))}`, [[M, 23, 'Notifier "pager" does not exist']]),
  one('dangling deployment notifier', `${srv('a')}---\n${deploy('d', 'a', '  notify: [pager]\n')}`, [[M, 24, 'Notifier "pager" does not exist']]),
  one('dangling rebuild snapshot', srv('a', '  rebuild:\n    snapshot: golden\n'), [[M, 11, 'Snapshot "golden" does not exist']]),
  one('server from a snapshot of itself', `${srvFromSnap('a', 's')}---\n${snap('s', 'a')}`, [[M, 9, /dependency cycle: Server\/a → Snapshot\/s → Server\/a \(a server cannot be installed from a snapshot of itself/]]),
  one('two-server image cycle', `${srvFromSnap('a', 'sb')}---\n${srvFromSnap('b', 'sa')}---\n${snap('sa', 'a')}---\n${snap('sb', 'b')}`, [[M, 9, 'dependency cycle: Server/a → Snapshot/sb → Server/b → Snapshot/sa → Server/a']]),
  one('region not in pool', `${pool('eu', ['ams', 'fra'])}---\n${srv('a', '  regionPool: eu\n')}`, [[M, 13, '"ewr" is not in RegionPool "eu" (ams, fra)']]),
  one('rebuild region not in pool', `${pool('eu', ['ams', 'fra'])}---\n${srvNoRegion('a', '  regionPool: eu\n  rebuild:\n    regions: [ams, sgp]\n')}`, [[M, 18, '"sgp" is not in RegionPool "eu"']]),
  one('server without any region', srvNoRegion('a'), [[M, 5, 'has no region']]),
  one('dns name owned twice', `${srv('a', '  dns:\n    - zone: z\n      name: www\n')}---\n${zone('z', 'example.com', rec('- name: www.example.com\n  type: A\n  value: 192.0.2.1\n'))}`, [[M, 12, 'www.example.com A is already declared by DNSZone/z']]),
  { name: 'zone managed twice', files: { [M]: zone('z1', 'example.com'), 'manifests/b.yaml': zone('z2', 'example.com') }, expect: [['manifests/b.yaml', 6, 'zone "example.com" is already managed by DNSZone/z1']] },
  one('record outside the zone', zone('z', 'example.com', rec('- name: www.example.org.\n  type: A\n  value: 192.0.2.1\n')), [[M, 8, '"www.example.org." is outside zone "example.com"']]),
  one('cname mixed with a', zone('z', 'example.com', rec('- name: www\n  type: A\n  value: 192.0.2.1\n- name: www\n  type: CNAME\n  value: example.net\n')), [[M, 12, 'a CNAME cannot share its name with other records']]),
  one('proxied txt', zone('z', 'example.com', rec('- name: www\n  type: TXT\n  value: x\n  proxied: true\n')), [[M, 11, 'proxied applies only to A, AAAA and CNAME']]),
  one('priority on an A record', zone('z', 'example.com', rec('- name: www\n  type: A\n  value: 192.0.2.1\n  priority: 10\n')), [[M, 11, 'priority applies only to MX and SRV']]),
  one('txt record targeting servers', `${srv('a')}---\n${zone('z', 'example.com', rec('- name: www\n  type: TXT\n  servers: [a]\n'))}`, [[M, 20, 'only A and AAAA records can target servers']]),
  one('a record with a name for a value', zone('z', 'example.com', rec('- name: www\n  type: A\n  value: example.net\n')), [[M, 10, '"example.net" is not an IPv4 address']]),
  one('failover on a cname', zone('z', 'example.com', rec('- name: www\n  type: CNAME\n  value: example.net\n  failover:\n    check: {port: 80}\n')), [[M, 11, 'failover applies only to A and AAAA']]),
  one('aaaa without ipv6', `${srv('a', '  dns:\n    - zone: z\n      name: www\n      type: AAAA\n')}---\n${zone('z', 'example.com')}`, [[M, 13, 'set spec.enableIpv6: true']]),
  one('git slots with one name', `${srv('a')}---\n${gitDeploy('d', [['blue', 3001], ['blue', 3002]])}`, [[M, 28, 'slot name "blue" is used twice']]),
  one('git slots with one port', `${srv('a')}---\n${gitDeploy('d', [['blue', 3001], ['red', 3001]])}`, [[M, 29, 'slot port "3001" is used twice']]),
  one('port range upside down', `${srv('a')}---\n${deploy('d', 'a').replace('    image: registry.example.com/app:1\n', '    image: registry.example.com/app:1\n    portRange: {from: 30000, to: 20000}\n')}`, [[M, 20, 'portRange.from (30000) is above portRange.to (20000)']]),
];
