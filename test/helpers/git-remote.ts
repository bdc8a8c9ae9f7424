/** Real git repositories for controller tests: a bare remote in a temp dir and a work clone that pushes to it. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir(),
};

export interface GitRemote {
  root: string;
  bare: string;
  url: string;
  work: string;
  git(...args: string[]): string;
  /** Writes files (path relative to the work tree → text), commits everything and pushes; returns the hash. */
  commit(message: string, files?: Record<string, string>, opts?: { sign?: string }): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createGitRemote(): Promise<GitRemote> {
  const root = await mkdtemp(join(tmpdir(), 'keelson-git-'));
  const bare = join(root, 'remote.git');
  const work = join(root, 'work');
  const run = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  run(root, ['init', '-q', '--bare', '-b', 'main', bare]);
  run(root, ['init', '-q', '-b', 'main', work]);
  run(work, ['remote', 'add', 'origin', bare]);
  const git = (...args: string[]) => run(work, args).trim();
  return {
    root, bare, url: `file://${bare}`, work, git,
    async commit(message, files = {}, opts = {}) {
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(work, path)), { recursive: true });
        await writeFile(join(work, path), text);
      }
      git('add', '-A');
      const sign = opts.sign ? ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${opts.sign}`, 'commit', '-S'] : ['commit'];
      git(...sign, '-q', '--allow-empty', '-m', message);
      git('push', '-q', 'origin', 'HEAD:main');
      return git('rev-parse', 'HEAD');
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
