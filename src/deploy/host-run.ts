/**
 * What one host's deploy carries through its steps, and the two helpers every step uses: run a remote
 * command (a non-zero exit becomes a DeployError with the exit code and stderr), and wrap a step so any
 * failure is classified once, naming the deployment, the host and the step.
 */
import { DeployError, LockHeldError } from '../errors.ts';
import type { DeploymentDoc } from '../model/types.ts';
import { scrub } from '../secrets.ts';
import type { Clock, ExecOptions, ExecResult, Remote, Reporter, Step } from './types.ts';

export interface HostRun {
  remote: Remote;
  doc: DeploymentDoc;
  clock: Clock;
  report: Reporter;
  /** Identifies this keelson run in locks, labels and the state file. */
  deployId: string;
  /** Who holds the lock, as other runs will be told. */
  holder: string;
  /** Values of the deployment's `envFrom` variables, read once from keelson's environment. */
  secretEnv: Record<string, string>;
  random: () => number;
  /** When this host's deploy began (before connecting), for the switched-after figure. */
  startedAt?: number;
}

export function resourceOf(doc: DeploymentDoc): string {
  return `Deployment/${doc.metadata.name}`;
}

function tail(text: string, lines = 20): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Runs a command; a non-zero exit throws a DeployError naming the step, the exit code and stderr. */
export async function mustExec(run: HostRun, step: Step, command: string, opts?: ExecOptions): Promise<ExecResult> {
  const result = await runExec(run, step, command, opts);
  if (result.code !== 0) throw commandFailed(run, step, result);
  return result;
}

/** The error for a command that exited non-zero: its exit code and the end of its stderr (or stdout). */
export function commandFailed(run: HostRun, step: Step, result: ExecResult): DeployError {
  const err = tail(result.stderr) || tail(result.stdout) || '(no output)';
  return new DeployError(resourceOf(run.doc), run.remote.name, step, scrub(`exit code ${result.code}: ${err}`));
}

/** Runs a command and returns its result whatever the exit code; only a lost connection or timeout throws. */
export async function runExec(run: HostRun, step: Step, command: string, opts?: ExecOptions): Promise<ExecResult> {
  try {
    return await run.remote.exec(command, opts);
  } catch (err) {
    throw new DeployError(resourceOf(run.doc), run.remote.name, step, scrub(err instanceof Error ? err.message : String(err)), { cause: err });
  }
}

/** Runs one step: reports it, and turns any failure into a DeployError for this host and step. */
export async function step<T>(run: HostRun, name: Step, message: string, fn: () => Promise<T>): Promise<T> {
  run.report({ host: run.remote.name, step: name, message });
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DeployError || err instanceof LockHeldError) throw err;
    throw new DeployError(resourceOf(run.doc), run.remote.name, name, scrub(err instanceof Error ? err.message : String(err)), { cause: err });
  }
}

/** A failure message for a step, for errors raised by keelson itself rather than a command. */
export function fail(run: HostRun, name: Step, why: string): DeployError {
  return new DeployError(resourceOf(run.doc), run.remote.name, name, scrub(why));
}
