/** A real git repository with a bare `origin` in a temp folder, for the repository-lock tests. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RepoWithRemote {
  /** The work tree (what `--dir` points at). */
  dir: string;
  bare: string;
  git(...args: string[]): string;
  remove(): void;
}

export function gitIn(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
}

/** `dir` (or a new temp folder) becomes a git repository whose `origin` is a new bare repository. */
export function repoWithRemote(dir?: string): RepoWithRemote {
  const base = mkdtempSync(join(tmpdir(), 'keelson-lock-'));
  const bare = join(base, 'remote.git');
  const work = dir ?? join(base, 'work');
  execFileSync('git', ['init', '-q', '--bare', bare]);
  execFileSync('git', ['init', '-q', work]);
  gitIn(work, 'remote', 'add', 'origin', bare);
  return { dir: work, bare, git: (...args) => gitIn(work, ...args), remove: () => rmSync(base, { recursive: true, force: true }) };
}
