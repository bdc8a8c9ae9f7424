/**
 * The git side of the repository lock: find the remote of the repository holding `--dir`, read the
 * lock ref, and move it by compare-and-swap. The swap is `git push --force-with-lease=REF:EXPECTED`:
 * the push carries the expected old value and the receiving side updates the ref under its ref lock only
 * if it still has that value (empty EXPECTED: only if the ref does not exist). Lock commits have no
 * parent, so the remote keeps only the current one.
 */
import { execFile } from 'node:child_process';
import { LockError } from '../errors.ts';
import { scrub } from '../secrets.ts';
import { commitMessage, parseRecord, renderRecord, type LockRecord } from './record.ts';

export interface LockRemote {
  /** Repository root (work tree) the git commands run in. */
  root: string;
  /** The remote's name (`origin` unless keelson.yaml says otherwise). */
  remote: string;
  /** The remote's URL with any credentials in it replaced by `***`: the only form ever printed. */
  displayUrl: string;
  ref: string;
  /** Per git command; an unreachable remote fails within it. */
  timeoutMs: number;
}

/** What the lock ref points at: nothing, a keelson lock, or something else (garbage, reported as such). */
export type RefState =
  | { kind: 'absent' }
  | { kind: 'lock'; sha: string; record: LockRecord }
  | { kind: 'garbage'; sha: string; why: string };

const GIT_ENV = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'keelson', GIT_AUTHOR_EMAIL: 'keelson@localhost',
  GIT_COMMITTER_NAME: 'keelson', GIT_COMMITTER_EMAIL: 'keelson@localhost',
  LC_ALL: 'C',
};

/**
 * `https://user:token@host/x` → `https://***@host/x`, for every URL in `text`; scp-style `git@host:x`
 * carries no secret and is left alone.
 */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

function git(root: string, args: string[], opts: { input?: string; timeoutMs: number }): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, { cwd: root, env: { ...process.env, ...GIT_ENV }, timeout: opts.timeoutMs, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        // Not an exit status: git missing, or killed by the timeout.
        if (err.killed || err.signal) resolve({ code: -1, stdout, stderr: `${stderr}\n(no answer within ${opts.timeoutMs} ms)` });
        else reject(new LockError(`cannot run git: ${err.message}`));
        return;
      }
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** git's own words about a failure, one line, with any URL credentials hidden. */
function why(r: GitResult): string {
  const lines = r.stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('hint:'));
  return scrub(redactUrl(lines.filter((l) => /^(fatal|error|remote):/.test(l)).join('; ') || lines.join('; ') || `git exited ${r.code}`));
}

/**
 * The remote the lock lives in: the repository containing `dir`, its `remoteName` remote. Throws a
 * LockError (naming what is missing and that `--lock none` is the explicit way out) when there is none.
 */
export async function resolveRemote(dir: string, opts: { remote: string; ref: string; timeoutMs: number }): Promise<LockRemote> {
  const top = await git(dir, ['rev-parse', '--show-toplevel'], { timeoutMs: opts.timeoutMs });
  if (top.code !== 0) throw new LockError(`[lock] ${dir} is not inside a git repository, so there is no remote to lock: pass --lock none to run without a lock`);
  const root = top.stdout.trim();
  const url = await git(root, ['remote', 'get-url', opts.remote], { timeoutMs: opts.timeoutMs });
  if (url.code !== 0) throw new LockError(`[lock] the repository at ${root} has no remote named ${opts.remote}: add one, set lock.remote in keelson.yaml, or pass --lock none to run without a lock`);
  return { root, remote: opts.remote, displayUrl: redactUrl(url.stdout.trim()), ref: opts.ref, timeoutMs: opts.timeoutMs };
}

/** The sha the lock ref has on the remote (undefined: absent). Throws a LockError when the remote cannot be reached. */
export async function remoteSha(r: LockRemote): Promise<string | undefined> {
  const res = await git(r.root, ['ls-remote', '--refs', r.remote, r.ref], { timeoutMs: r.timeoutMs });
  if (res.code !== 0) throw new LockError(`[lock] remote ${r.remote} (${r.displayUrl}) unreachable: ${why(res)}`);
  const line = res.stdout.split('\n').find((l) => l.endsWith(`\t${r.ref}`));
  return line?.split('\t')[0];
}

/** Reads the lock ref and its lock file. Garbage (not a commit with a valid lock.json) is returned as such. */
export async function readLock(r: LockRemote): Promise<RefState> {
  for (let attempt = 0; ; attempt++) {
    const sha = await remoteSha(r);
    if (!sha) return { kind: 'absent' };
    const local = await git(r.root, ['cat-file', '-e', `${sha}^{commit}`], { timeoutMs: r.timeoutMs });
    if (local.code !== 0) {
      const f = await git(r.root, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', r.remote, r.ref], { timeoutMs: r.timeoutMs });
      if (f.code !== 0) throw new LockError(`[lock] cannot fetch ${r.ref} from ${r.remote} (${r.displayUrl}): ${why(f)}`);
    }
    const type = await git(r.root, ['cat-file', '-t', sha], { timeoutMs: r.timeoutMs });
    // The ref moved between listing and fetching: list again (a few times; then it is garbage to report).
    if (type.code !== 0) {
      if (attempt < 3) continue;
      return { kind: 'garbage', sha, why: 'its object cannot be fetched' };
    }
    if (type.stdout.trim() !== 'commit') return { kind: 'garbage', sha, why: `it points at a ${type.stdout.trim()}, not a commit` };
    const file = await git(r.root, ['cat-file', 'blob', `${sha}:lock.json`], { timeoutMs: r.timeoutMs });
    if (file.code !== 0) return { kind: 'garbage', sha, why: 'its commit has no lock.json' };
    const record = parseRecord(file.stdout);
    return typeof record === 'string' ? { kind: 'garbage', sha, why: record } : { kind: 'lock', sha, record };
  }
}

/** Writes the lock commit (a tree with lock.json, no parent) into the local object store; returns its sha. */
async function writeCommit(r: LockRemote, record: LockRecord): Promise<string> {
  const run = async (args: string[], input?: string): Promise<string> => {
    const res = await git(r.root, args, { input, timeoutMs: r.timeoutMs });
    if (res.code !== 0) throw new LockError(`[lock] cannot write the lock commit (git ${args[0]}): ${why(res)}`);
    return res.stdout.trim();
  };
  const blob = await run(['hash-object', '-w', '--stdin'], renderRecord(record));
  const tree = await run(['mktree'], `100644 blob ${blob}\tlock.json\n`);
  return run(['commit-tree', tree, '-m', commitMessage(record)]);
}

/**
 * Compare-and-swap: points the lock ref at a new commit holding `record` only if the remote still has
 * `expected` (undefined: only if the ref does not exist). Returns the new sha, or `conflict` with what the
 * ref holds now when someone else moved it first.
 */
export async function swapLock(r: LockRemote, expected: string | undefined, record: LockRecord): Promise<{ ok: true; sha: string } | { ok: false; now: string | undefined }> {
  const sha = await writeCommit(r, record);
  const res = await git(r.root, ['push', '--porcelain', '--quiet', `--force-with-lease=${r.ref}:${expected ?? ''}`, r.remote, `${sha}:${r.ref}`], { timeoutMs: r.timeoutMs });
  if (res.code === 0) return { ok: true, sha };
  // Rejected or failed: the ref's current value decides whether another run won the race.
  const now = await remoteSha(r);
  if (now === sha) return { ok: true, sha };
  if (now !== expected) return { ok: false, now };
  throw new LockError(`[lock] cannot update ${r.ref} on ${r.remote} (${r.displayUrl}): ${why(res)} ${scrub(res.stdout.split('\n').filter((l) => l.startsWith('!')).join(' '))}`.trim());
}
