import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  containerInspectScript, containerName, parseContainers, pullScript, runArgs, runScript, stopAndRemoveScript,
} from '../../src/deploy/container-commands.ts';
import { checkoutScript, slotStatusScript, startSlotScript, stopSlotScript } from '../../src/deploy/git-commands.ts';
import { exportLines, usedPorts, parseSections, pickPort, unlockScript, writeFileScript } from '../../src/deploy/remote-scripts.ts';
import { join, quote } from '../../src/deploy/shell.ts';

describe('shell quoting', () => {
  it('leaves plain words alone and single-quotes everything else', () => {
    expect(quote('localhost/app:v1')).toBe('localhost/app:v1');
    expect(quote('')).toBe("''");
    expect(quote('a b')).toBe("'a b'");
    expect(quote("it's $HOME `x`")).toBe(`'it'\\''s $HOME \`x\`'`);
    expect(join(['echo', 'a;rm -rf /'])).toBe("echo 'a;rm -rf /'");
  });
});

describe('container commands', () => {
  it('runs the new container on 127.0.0.1 with labels, env names only, options and args', () => {
    const argv = runArgs('podman', {
      app: 'web', slot: 'green', image: 'ghcr.io/acme/web:1.2', hostPort: 20001, containerPort: 8080,
      envNames: ['MODE', 'API_TOKEN'], args: ['serve', '--fast'], runOptions: ['--memory=512m'], deployId: 'd1',
    });
    expect(join(argv)).toBe(
      'podman run --detach --init --restart unless-stopped --name web-green --label keelson.app=web --label keelson.slot=green '
      + '--label keelson.version=ghcr.io/acme/web:1.2 --label keelson.deploy=d1 --publish 127.0.0.1:20001:8080 '
      + '--env MODE --env API_TOKEN --memory=512m ghcr.io/acme/web:1.2 serve --fast',
    );
    expect(containerName('web', 'blue')).toBe('web-blue');
  });

  it('sends environment values on stdin, never in the command line', () => {
    const script = runScript(exportLines({ API_TOKEN: "s3cr'et" }), ['docker', 'run', '--env', 'API_TOKEN', 'img']);
    expect(script).toBe("export API_TOKEN='s3cr'\\''et'\nexec docker run --env API_TOKEN img\n");
  });

  it('pulls according to the policy', () => {
    expect(pullScript('docker', 'img:1', 'always')).toBe('docker pull --quiet img:1');
    expect(pullScript('podman', 'img:1', 'missing')).toBe('podman image inspect img:1 >/dev/null 2>&1 || podman pull --quiet img:1');
    expect(pullScript('podman', 'img:1', 'never')).toBeUndefined();
  });

  it('stops and removes a container, failing only when it cannot be removed', () => {
    expect(stopAndRemoveScript('podman', 'web-blue', 2)).toBe('podman stop -t 2 web-blue >/dev/null 2>&1; podman rm --force web-blue >/dev/null');
  });

  it('detects the runtime and lists the app containers in one script', () => {
    expect(containerInspectScript('auto', 'web')).toBe([
      `rt=''; for r in podman docker; do if command -v "$r" >/dev/null 2>&1; then rt=$r; break; fi; done`,
      `[ -n "$rt" ] || { echo 'no container runtime (podman, docker) found on PATH' >&2; exit 127; }`,
      'echo @@runtime; echo "$rt"',
      `echo @@containers; "$rt" ps -a --filter label=keelson.app=web --format '{{.Names}} {{.Status}}' || exit 1`,
    ].join('\n'));
    expect(parseContainers('web-blue Up 3 minutes ago\nweb-green Exited (0) 2 seconds ago\nweb-x Created\n')).toEqual({
      all: ['web-blue', 'web-green', 'web-x'], running: ['web-blue'],
    });
  });
});

describe('host scripts', () => {
  it('writes files atomically and unlocks only its own lock', () => {
    expect(writeFileScript('.keelson/deploy/web/state.json')).toBe(
      'mkdir -p "$(dirname .keelson/deploy/web/state.json)" && cat >.keelson/deploy/web/state.json.keelson-tmp && mv -f .keelson/deploy/web/state.json.keelson-tmp .keelson/deploy/web/state.json',
    );
    expect(unlockScript('web', 'me@box pid 1 run x')).toBe(
      "if grep -qxF 'holder=me@box pid 1 run x' .keelson/deploy/web/lock/info 2>/dev/null; then rm -rf .keelson/deploy/web/lock; fi",
    );
  });

  it('parses sections, used ports (any state) and picks a free port', () => {
    expect(parseSections('@@a\n1\n2\n@@b\n\n@@c\nx')).toEqual({ a: '1\n2', b: '', c: 'x' });
    const tcp = [
      '  sl  local_address rem_address   st',
      '   0: 0100007F:4E21 00000000:0000 0A 0',
      '   1: 0100007F:4E22 0100007F:9999 01 0',
      '   0: 00000000000000000000000001000000:4E23 00000000000000000000000000000000:0000 0A 0',
    ].join('\n');
    expect([...usedPorts(tcp)]).toEqual([20001, 20002, 20003]);
    expect(pickPort({ from: 20001, to: 20003 }, new Set([20001, 20003]), 0)).toBe(20002);
    expect(pickPort({ from: 20001, to: 20002 }, new Set([20001, 20002]), 0.5)).toBeUndefined();
    expect(pickPort({ from: 20001, to: 20010 }, new Set(), 0.55)).toBe(20006);
  });
});

describe('git slot commands', () => {
  it('checks out a ref detached in the slot folder', () => {
    expect(checkoutScript('/srv/app', 'blue', 'git@example.com:a/b.git', 'v1.2')).toBe([
      'set -e',
      'mkdir -p /srv/app',
      'if [ ! -d /srv/app/blue/.git ]; then rm -rf /srv/app/blue; git clone --quiet --no-checkout git@example.com:a/b.git /srv/app/blue; fi',
      'cd /srv/app/blue',
      'git remote set-url origin git@example.com:a/b.git',
      'if git fetch --quiet origin v1.2 2>/dev/null; then git checkout --quiet --force --detach FETCH_HEAD; else git fetch --quiet --prune --tags origin && git checkout --quiet --force --detach v1.2; fi',
      'git clean --quiet -fd',
      'git rev-parse HEAD',
    ].join('\n'));
  });

  it('starts the slot under a setsid supervisor with PORT set, and stops its process group', () => {
    const s = startSlotScript('export K=v\n', 'api', '/srv/app', 'red', 3002, 'node server.js');
    expect(s.startsWith("export K=v\nexport PORT=3002 KEELSON_START='node server.js'\n")).toBe(true);
    expect(s).toContain(`setsid sh -c 'echo $$ >"$0"; while :; do sh -c "$KEELSON_START"; echo "keelson: app exited with $?, restarting in 1 s" >&2; sleep 1; done' "$pidf" </dev/null >>"$log" 2>&1 &`);
    expect(stopSlotScript('api', 'red')).toContain('kill -TERM "-$p"');
  });

  it('stops a started slot under /bin/sh (dash on Debian), the shell keelson runs commands in', () => {
    const home = mkdtempSync(joinPath(tmpdir(), 'keelson-slot-'));
    try {
      mkdirSync(joinPath(home, 'app', 'red'), { recursive: true });
      const sh = (script: string): string => spawnSync('/bin/sh', ['-s'], { input: script, env: { ...process.env, HOME: home }, encoding: 'utf8' }).stdout;
      sh(startSlotScript('', 'api', joinPath(home, 'app'), 'red', 3002, 'exec sleep 300'));
      const pid = readFileSync(joinPath(home, '.keelson/deploy/api/red.pid'), 'utf8').trim();
      expect(sh(slotStatusScript('api', 'red')).trim()).toBe('running');
      sh(stopSlotScript('api', 'red'));
      expect(sh(`ps -o stat= -s ${pid} | grep -v '^Z' | wc -l`).trim()).toBe('0');
      expect(sh(slotStatusScript('api', 'red')).trim()).toBe('stopped');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
