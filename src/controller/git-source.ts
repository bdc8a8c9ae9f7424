/**
 * The controller's git source: one bare clone in the state directory, the branch head looked up with
 * `git ls-remote` (cheap), fetched only when it moved, optionally verified with git's own SSH-signature
 * check, and checked out commit by commit into fresh detached worktrees, so a reconcile always reads
 * the tree of exactly one commit (never a half-updated work tree) and still has the history that
 * removed-server hooks read. An SSH deploy key comes from an environment variable and lives in a 0600
 * temp file removed at close (and at exit); host keys are always checked against the file the user gives.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { KeelsonError, UsageError } from '../errors.ts';
import { readSecretEnv, scrub } from '../secrets.ts';

/** Fetching or reading the remote failed; the last good commit stays in force. */
export class GitSourceError extends KeelsonError {
  override name = 'GitSourceError';
}

export interface GitSourceOptions {
  repo: string;
  branch: string;
  /** The repository root inside the git tree (where keelson.yaml is); default the top. */
  path: string;
  stateDir: string;
  /** An environment variable holding an SSH private key (the deploy key). */
  sshKeyEnv?: string;
  /** known_hosts for SSH remotes; SSH remotes without one are refused (host keys are always checked). */
  knownHosts?: string;
  /** An allowed-signers file: only commits signed by a key in it are accepted. */
  allowedSigners?: string;
  env?: NodeJS.ProcessEnv;
}

export interface CommitInfo {
  hash: string;
  subject: string;
  author: string;
  date: string;
}

export type Verification = { ok: true; signer?: string } | { ok: false; reason: string };

/** Every git call has a deadline; only the variables keelson sets itself pass simple-git's environment guard. */
function gitOptions() {
  return { allowEnvironment: ['GIT_TERMINAL_PROMPT', 'GIT_SSH_COMMAND', 'GIT_CONFIG_NOSYSTEM'], timeout: { block: 120_000 } };
}

function isSshRemote(url: string): boolean {
  return url.startsWith('ssh://') || /^[\w.-]+@[\w.-]+:/.test(url);
}

export class GitSource {
  private git?: SimpleGit;
  private keyDir?: string;
  private env: Record<string, string> = {};
  private readonly bare: string;
  private readonly trees: string;
  private readonly cleanupAtExit = () => {
    if (this.keyDir) rmSync(this.keyDir, { recursive: true, force: true });
  };

  constructor(readonly opts: GitSourceOptions) {
    this.bare = join(resolve(opts.stateDir), 'repo.git');
    this.trees = join(resolve(opts.stateDir), 'trees');
  }

  /** Clones once (a bare, single-branch clone), or reuses the clone a previous run left. */
  async open(): Promise<void> {
    const { simpleGit } = await import('simple-git');
    // Only what git needs: simple-git refuses editors, pagers and askpass programs in the environment.
    const from = this.opts.env ?? process.env;
    const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0' };
    this.env = env;
    for (const k of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'USER', 'SSH_AUTH_SOCK', 'GIT_CONFIG_NOSYSTEM']) if (from[k] !== undefined) env[k] = from[k]!;
    if (isSshRemote(this.opts.repo)) {
      if (!this.opts.knownHosts) throw new UsageError(`--known-hosts is required for the SSH remote ${this.opts.repo}: host keys are always checked`);
      let identity = '';
      if (this.opts.sshKeyEnv) {
        const key = readSecretEnv(this.opts.env ?? process.env, this.opts.sshKeyEnv);
        if (!key) throw new UsageError(`${this.opts.sshKeyEnv} is not set (it should hold the SSH deploy key)`);
        this.keyDir = await mkdtemp(join(tmpdir(), 'keelson-git-key-'));
        const file = join(this.keyDir, 'id');
        await writeFile(file, key.endsWith('\n') ? key : `${key}\n`, { mode: 0o600 });
        process.once('exit', this.cleanupAtExit);
        identity = `-i ${file} -o IdentitiesOnly=yes `;
      }
      env.GIT_SSH_COMMAND = `ssh ${identity}-o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${resolve(this.opts.knownHosts)}`;
    }
    await mkdir(this.trees, { recursive: true });
    if (!existsSync(join(this.bare, 'HEAD'))) {
      await this.guard('clone', () => simpleGit(gitOptions()).env(env).clone(this.opts.repo, this.bare, ['--bare', '--single-branch', '--branch', this.opts.branch]));
    }
    this.git = simpleGit({ ...gitOptions(), baseDir: this.bare }).env(env);
    await this.git.raw(['worktree', 'prune']);
  }

  private async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const why = err instanceof Error ? err.message.trim().split('\n').slice(-3).join(' ') : String(err);
      throw new GitSourceError(scrub(`[git ${this.opts.repo}] ${what} failed: ${why}`));
    }
  }

  private g(): SimpleGit {
    if (!this.git) throw new Error('GitSource.open() first');
    return this.git;
  }

  /** The branch head at the remote (one `ls-remote`, no objects transferred). */
  async remoteHead(): Promise<string> {
    const out = await this.guard('ls-remote', () => this.g().listRemote(['origin', `refs/heads/${this.opts.branch}`]));
    const hash = out.split(/\s/)[0];
    if (!hash || !/^[0-9a-f]{40}$/.test(hash)) throw new GitSourceError(`[git ${this.opts.repo}] branch ${this.opts.branch} not found at the remote`);
    return hash;
  }

  /** Whether the clone already has `commit`. */
  async has(commit: string): Promise<boolean> {
    return this.g().raw(['cat-file', '-e', `${commit}^{commit}`]).then(() => true, () => false);
  }

  /** Fetches the branch (only what changed) unless `commit` is already here. */
  async fetch(commit: string): Promise<void> {
    if (await this.has(commit)) return;
    await this.guard('fetch', () => this.g().fetch(['--force', 'origin', `+refs/heads/${this.opts.branch}:refs/heads/${this.opts.branch}`]));
    if (!(await this.has(commit))) throw new GitSourceError(`[git ${this.opts.repo}] fetch did not bring ${commit.slice(0, 12)}`);
  }

  /** Git's own SSH-signature check against the allowed-signers file; always ok when none is configured. */
  async verify(commit: string): Promise<Verification> {
    if (!this.opts.allowedSigners) return { ok: true };
    // Run directly: git's verdict is its exit status, which must not be read from its (stderr) text.
    const r = await new Promise<{ code: number; text: string }>((done) => {
      execFile('git', ['-c', 'gpg.format=ssh', '-c', `gpg.ssh.allowedSignersFile=${resolve(this.opts.allowedSigners!)}`, 'verify-commit', '--raw', commit],
        { cwd: this.bare, env: this.env, timeout: 60_000 }, (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, text: `${stdout}${stderr}` }));
    });
    if (r.code === 0) return { ok: true, signer: /principal "([^"]+)"/.exec(r.text)?.[1] };
    const text = r.text;
    const reason = /no signature|^\s*$/i.test(text) ? 'the commit is not signed' : /no principal matched|not in allowed|could not verify|unknown/i.test(text) ? 'signed by a key not in the allowed signers' : `signature check failed: ${text.trim().split('\n')[0]}`;
    return { ok: false, reason };
  }

  async describe(commit: string): Promise<CommitInfo> {
    const out = await this.g().raw(['show', '-s', '--format=%H%x00%s%x00%an <%ae>%x00%cI', commit]);
    const [hash = commit, subject = '', author = '', date = ''] = out.trim().split('\0');
    return { hash, subject, author, date };
  }

  /**
   * A fresh detached worktree of exactly `commit` (reused when it already exists), and the older
   * trees removed. Returns the repository root inside it (`--path`).
   */
  async checkout(commit: string): Promise<string> {
    const dir = join(this.trees, commit);
    if (!existsSync(join(dir, '.git'))) {
      await rm(dir, { recursive: true, force: true });
      await this.g().raw(['worktree', 'prune']);
      await this.g().raw(['worktree', 'add', '--detach', '--force', dir, commit]);
    }
    for (const old of await readdir(this.trees)) {
      if (old === commit) continue;
      await this.g().raw(['worktree', 'remove', '--force', join(this.trees, old)]).catch(() => rm(join(this.trees, old), { recursive: true, force: true }));
    }
    return join(dir, this.opts.path);
  }

  /** Removes the deploy-key file. */
  async close(): Promise<void> {
    process.removeListener('exit', this.cleanupAtExit);
    this.cleanupAtExit();
    this.keyDir = undefined;
  }
}
