import { randomUUID } from 'node:crypto';
import type { Handler, Route } from '../http-types.ts';
import type { VultrSshKey, VultrStartupScript } from '../types.ts';
import { vultrTime } from '../clock.ts';
import { VULTR_ERRORS, VultrFailure } from './errors.ts';
import { bodyObject, optString, reqString } from './fields.ts';
import { paginate } from './paging.ts';

const SSH_KEY = /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/=]+( .*)?$/;

function checkSshKey(key: string): string {
  if (!SSH_KEY.test(key.trim())) throw new VultrFailure(400, VULTR_ERRORS.invalidSshKey);
  return key.trim();
}

function checkScript(script: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(script)) throw new VultrFailure(400, VULTR_ERRORS.invalidField('script'));
  return script;
}

function checkScriptType(type: string | undefined): string {
  if (type !== undefined && type !== 'boot' && type !== 'pxe') throw new VultrFailure(400, VULTR_ERRORS.invalidField('type'));
  return type ?? 'boot';
}

function sshKeyOf(map: Map<string, VultrSshKey>, id: string | undefined): VultrSshKey {
  const key = id === undefined ? undefined : map.get(id);
  if (!key) throw new VultrFailure(404, VULTR_ERRORS.sshKeyNotFound);
  return key;
}

function scriptOf(map: Map<string, VultrStartupScript>, id: string | undefined): VultrStartupScript {
  const s = id === undefined ? undefined : map.get(id);
  if (!s) throw new VultrFailure(404, VULTR_ERRORS.startupScriptNotFound);
  return s;
}

/** SSH key and startup script endpoints (lists omit a script's body, as Vultr's do). */
export function keyRoutes(): Route[] {
  const r = (method: string, template: string, handler: Handler): Route => ({ api: 'vultr', method, template, handler });
  return [
    r('GET', '/v2/ssh-keys', (req, ctx) => {
      const { page, meta } = paginate([...ctx.world.sshKeys.values()], req.query, ctx.limits.vultrPerPageMax);
      return { status: 200, body: { ssh_keys: page, meta } };
    }),
    r('POST', '/v2/ssh-keys', (req, ctx) => {
      const b = bodyObject(req.body);
      const key: VultrSshKey = { id: randomUUID(), date_created: vultrTime(ctx.clock.now()), name: reqString(b, 'name'), ssh_key: checkSshKey(reqString(b, 'ssh_key')) };
      ctx.world.sshKeys.set(key.id, key);
      return { status: 201, body: { ssh_key: key } };
    }),
    r('GET', '/v2/ssh-keys/:ssh-key-id', (req, ctx) => ({ status: 200, body: { ssh_key: sshKeyOf(ctx.world.sshKeys, req.params['ssh-key-id']) } })),
    r('PATCH', '/v2/ssh-keys/:ssh-key-id', (req, ctx) => {
      const key = sshKeyOf(ctx.world.sshKeys, req.params['ssh-key-id']);
      const b = bodyObject(req.body);
      const name = optString(b, 'name');
      const sshKey = optString(b, 'ssh_key');
      ctx.world.sshKeys.set(key.id, { ...key, ...(name && { name }), ...(sshKey && { ssh_key: checkSshKey(sshKey) }) });
      return { status: 204 };
    }),
    r('DELETE', '/v2/ssh-keys/:ssh-key-id', (req, ctx) => {
      ctx.world.sshKeys.delete(sshKeyOf(ctx.world.sshKeys, req.params['ssh-key-id']).id);
      return { status: 204 };
    }),
    r('GET', '/v2/startup-scripts', (req, ctx) => {
      const { page, meta } = paginate([...ctx.world.startupScripts.values()], req.query, ctx.limits.vultrPerPageMax);
      return { status: 200, body: { startup_scripts: page.map(({ script: _script, ...rest }) => rest), meta } };
    }),
    r('POST', '/v2/startup-scripts', (req, ctx) => {
      const b = bodyObject(req.body);
      const now = vultrTime(ctx.clock.now());
      const s: VultrStartupScript = {
        id: randomUUID(), date_created: now, date_modified: now, name: reqString(b, 'name'), type: checkScriptType(optString(b, 'type')),
        script: checkScript(reqString(b, 'script')),
      };
      ctx.world.startupScripts.set(s.id, s);
      return { status: 201, body: { startup_script: s } };
    }),
    r('GET', '/v2/startup-scripts/:startup-id', (req, ctx) => ({ status: 200, body: { startup_script: scriptOf(ctx.world.startupScripts, req.params['startup-id']) } })),
    r('PATCH', '/v2/startup-scripts/:startup-id', (req, ctx) => {
      const s = scriptOf(ctx.world.startupScripts, req.params['startup-id']);
      const b = bodyObject(req.body);
      const name = optString(b, 'name');
      const script = optString(b, 'script');
      const type = optString(b, 'type');
      ctx.world.startupScripts.set(s.id, {
        ...s, ...(name && { name }), ...(script !== undefined && { script: checkScript(script) }), ...(type && { type: checkScriptType(type) }),
        date_modified: vultrTime(ctx.clock.now()),
      });
      return { status: 204 };
    }),
    r('DELETE', '/v2/startup-scripts/:startup-id', (req, ctx) => {
      ctx.world.startupScripts.delete(scriptOf(ctx.world.startupScripts, req.params['startup-id']).id);
      return { status: 204 };
    }),
  ];
}
