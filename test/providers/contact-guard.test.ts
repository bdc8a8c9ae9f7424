import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AddressRefusedError, WorkflowError } from '../../src/errors.ts';
import { assertMayContact, endpointIsSimulator, isLoopbackAddress, SIMULATOR_HEADER } from '../../src/providers/contact-guard.ts';
import { connectHost, fetchHostKey } from '../../src/deploy/ssh.ts';
import { directProbe } from '../../src/workflows/health.ts';
import { rebuildServer } from '../../src/workflows/rebuild.ts';
import type { HealthCheck, SshSettings } from '../../src/model/types.ts';
import { spyOnConnects, type ConnectSpy } from '../helpers/connect-spy.ts';
import { manualDriver } from '../helpers/manual-clock.ts';
import { OWNER, startWorld, type TestWorld } from '../helpers/sim-world.ts';

const HTTP: HealthCheck = { type: 'http', port: 80, path: '/health', expectStatus: 200, interval: 10_000, timeout: 2_000, healthyThreshold: 1, unhealthyThreshold: 3 };
const SSH = { user: 'root', port: 22, connectTimeout: 1000, commandTimeout: 1000, agent: false, knownHostsFile: '' } as unknown as SshSettings;

let world: TestWorld | undefined;
let spy: ConnectSpy | undefined;
afterEach(() => spy?.restore());
afterAll(async () => world?.sim.stop());

describe('the address guard', () => {
  it('tells loopback from everything else', () => {
    for (const a of ['127.0.0.1', '127.44.3.2', '::1', '[::1]', '::ffff:127.0.0.2', '0:0:0:0:0:0:0:1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['192.0.2.10', '198.51.100.4', '203.0.113.9', '10.0.0.1', '2001:db8::1', '::ffff:192.0.2.1', 'localhost', '128.0.0.1']) expect(isLoopbackAddress(a), a).toBe(false);
  });

  it('leaves every address alone while no simulator endpoint is in use (nothing is sent by the check)', async () => {
    spy = spyOnConnects();
    await expect(assertMayContact('192.0.2.10', 'test')).resolves.toBeUndefined();
    expect(spy.hosts).toEqual([]);
  });

  it('recognises a simulator by its response header, and a plain server as not one', async () => {
    world = await startWorld();
    expect(await endpointIsSimulator(world.sim.vultrBaseUrl)).toBe(true);
    const plain = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    try {
      expect(await endpointIsSimulator(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/v2`)).toBe(false);
    } finally {
      plain.closeAllConnections();
      await new Promise((r) => plain.close(r));
    }
    const res = await fetch(`${world.sim.url}/nothing-here`);
    expect(res.headers.get(SIMULATOR_HEADER)).toBeTruthy();
  });
});

describe('with a simulator as the Vultr endpoint', () => {
  beforeEach(async () => {
    // Building the providers registers the simulator's (loopback) endpoint with the guard.
    world ??= await startWorld();
    world.providers();
    spy = spyOnConnects();
  });

  it('refuses the health probe, SSH and the host-key fetch to a documentation address before any connect', async () => {
    const addr = world!.sim.admin.dump().vultr.instances.find((i) => i.label === 'vpn-0')!.ip;
    expect(addr).toMatch(/^198\.51\.100\./);
    await expect(directProbe(addr, HTTP, 1000)).rejects.toThrow(AddressRefusedError);
    await expect(directProbe('203.0.113.7', { ...HTTP, type: 'tcp' }, 1000)).rejects.toThrow(/203\.0\.113\.7/);
    await expect(connectHost({ name: 'vpn-0', address: addr, port: 22 }, SSH, { root: '/tmp', env: {} })).rejects.toThrow(new RegExp(`\\[address/${addr.replace(/\./g, '\\.')}\\] ssh to vpn-0 refused`));
    await expect(fetchHostKey('192.0.2.55', 22, 1000)).rejects.toThrow(/192\.0\.2\.55.*simulator/);
    expect(spy!.hosts).toEqual([]);
  });

  it('allows loopback names and addresses (which is really contacted)', async () => {
    await expect(assertMayContact('localhost', 'probe')).resolves.toBeUndefined();
    const o = await directProbe('127.0.0.9', { ...HTTP, type: 'tcp', port: 9 }, 1000);
    expect(o.ok).toBe(false);
    expect(spy!.hosts).toEqual(['127.0.0.9']);
  });

  it('stops a rebuild at the health gate with the refusal, and destroys the new server', async () => {
    const check = { ...HTTP, port: 8080 };
    const w = await startWorld({ healthCheck: check, rebuild: { installTimeout: 20 * 60_000 } });
    try {
      const driver = manualDriver(w.sim.admin);
      const err = await driver.run(rebuildServer({ providers: w.providers(), owner: OWNER, manifests: w.manifests, clock: driver.clock }, 'vpn-0')).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowError);
      expect((err as Error).message).toMatch(/health check http \d+\.\d+\.\d+\.\d+:8080 refused: the Vultr endpoint .* is a simulator/);
      expect((err as WorkflowError).opts.cleanedUp).toBe(true);
      expect(spy!.hosts.filter((h) => h !== '127.0.0.1')).toEqual([]);
    } finally {
      await w.sim.stop();
    }
  });
});
