/**
 * Remote commands through long-lived shells, one SSH connection's worth. Every `exec` channel makes
 * sshd start the user's login shell, and bash run by sshd reads ~/.bashrc even for `-c` (Debian
 * builds it so); a ~/.bashrc that runs `pyenv init` or the like costs seconds per command on a busy
 * host. So keelson opens a shell once (`exec /bin/sh`, the profile is read once) and writes each
 * command to its stdin, framed by markers on stdout and stderr. Each command runs in its own
 * `/bin/sh -c` (a syntax error or `exit` never ends the session) with its stdin as a here-document.
 * A session runs one command at a time.
 */
import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';
import { quote } from './shell.ts';
import type { ExecOptions, ExecResult } from './types.ts';

/** The markers of one command: begin (both streams), stdin's here-document end, end (+ exit code). */
function markers(id: string): { begin: string; input: string; end: string } {
  return { begin: `@@keelson-begin-${id}`, input: `@@keelson-stdin-${id}`, end: `@@keelson-end-${id}` };
}

/**
 * The text written to the session shell for one command. `stdin` (if any) becomes the command's
 * stdin; a here-document always ends with a newline, so one is added when it lacks one. Pure.
 */
export function frameCommand(id: string, command: string, stdin = ''): string {
  const m = markers(id);
  const input = stdin === '' || stdin.endsWith('\n') ? stdin : `${stdin}\n`;
  return [
    `printf '%s\\n' '${m.begin}'; printf '%s\\n' '${m.begin}' >&2`,
    `/bin/sh -c ${quote(command)} <<'${m.input}'`,
    `${input}${m.input}`,
    `printf '\\n%s %s\\n' '${m.end}' "$?"; printf '\\n%s\\n' '${m.end}' >&2`,
    '',
  ].join('\n');
}

/** What a stream carried between a command's markers, once its end marker arrived. Pure. */
export function unframe(text: string, id: string): { done: false } | { done: true; body: string; code?: number } {
  const m = markers(id);
  const b = text.indexOf(`${m.begin}\n`);
  if (b < 0) return { done: false };
  const from = b + m.begin.length + 1;
  const e = text.indexOf(`\n${m.end}`, from);
  if (e < 0) return { done: false };
  const rest = text.slice(e + 1 + m.end.length);
  const line = /^( (\d+))?\n/.exec(rest);
  if (!line) return { done: false };
  return { done: true, body: text.slice(from, e), code: line[2] === undefined ? undefined : Number(line[2]) };
}

interface Session {
  channel: ClientChannel;
  broken: boolean;
  out: string;
  err: string;
  onChange?: () => void;
}

function openSession(client: Client): Promise<Session> {
  return new Promise((resolve, reject) => {
    client.exec('exec /bin/sh', (err, channel) => {
      if (err) return reject(err);
      const s: Session = { channel, broken: false, out: '', err: '' };
      channel.setEncoding('utf8');
      channel.stderr.setEncoding('utf8');
      channel.on('data', (d: string) => {
        s.out += d;
        s.onChange?.();
      });
      channel.stderr.on('data', (d: string) => {
        s.err += d;
        s.onChange?.();
      });
      channel.on('close', () => {
        s.broken = true;
        s.onChange?.();
      });
      channel.on('error', () => undefined);
      resolve(s);
    });
  });
}

/**
 * Runs commands over `client` through two session shells (see the module comment): the steps'
 * commands one after another in the first, `beside` commands (the lock refresh, which runs while a
 * step does) in a second one opened on first use, so they never make a step wait or open a shell.
 */
export function shellRunner(client: Client): { exec(command: string, opts: ExecOptions & { timeoutMs: number }): Promise<ExecResult> } {
  const lanes: { main: Promise<Session> | undefined; beside: Promise<Session> | undefined } = { main: undefined, beside: undefined };
  const queues = { main: Promise.resolve(), beside: Promise.resolve() };
  let seq = 0;
  const salt = randomBytes(4).toString('hex');
  const session = async (lane: 'main' | 'beside'): Promise<Session> => {
    const current = lanes[lane] && (await lanes[lane].catch(() => undefined));
    if (current && !current.broken) return current;
    lanes[lane] = openSession(client);
    return lanes[lane];
  };
  const runOn = async (s: Session, command: string, opts: ExecOptions & { timeoutMs: number }): Promise<ExecResult> => {
    const id = `${salt}-${++seq}`;
    s.out = '';
    s.err = '';
    return new Promise<ExecResult>((done, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        s.onChange = undefined;
        s.out = '';
        s.err = '';
      };
      const timer = setTimeout(() => {
        finish();
        // The command may still run on the host: this shell is not reused.
        s.broken = true;
        s.channel.close();
        reject(new Error(`timed out after ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
      s.onChange = () => {
        const out = unframe(s.out, id);
        const err = unframe(s.err, id);
        if (out.done && err.done) {
          finish();
          done({ code: out.code ?? 255, stdout: out.body, stderr: err.body });
        } else if (s.broken) {
          finish();
          reject(new Error('the SSH session closed before the command finished'));
        }
      };
      s.channel.write(frameCommand(id, command, opts.stdin ?? ''));
    });
  };
  return {
    exec(command, opts) {
      const lane = opts.beside ? 'beside' : 'main';
      const result = queues[lane].then(async () => runOn(await session(lane), command, opts));
      queues[lane] = result.then(() => undefined, () => undefined);
      return result;
    },
  };
}
