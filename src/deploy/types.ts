/**
 * Contracts shared by the deploy steps: the remote host they drive, the clock they wait on, and the
 * events and results they report. Tests plug fakes into `Remote` and `Clock`; production uses ssh.ts.
 */

/** What one remote command returned. */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Written to the command's stdin, then closed. Secrets travel this way, never in the command line. */
  stdin?: string;
  timeoutMs?: number;
  /** Runs beside the current step (the lock refresh): in a second session shell, never queued behind a step. */
  beside?: boolean;
}

/** An HTTP answer seen from the host itself (127.0.0.1:PORT on the host). */
export interface HttpAnswer {
  status: number;
  body: string;
}

/** One connected host. Every step of a deploy goes through the same `Remote`. */
export interface Remote {
  /** The host's name as keelson reports it. */
  readonly name: string;
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** GET http://HOST:PORT/PATH as seen from the host (through the SSH connection). */
  httpGet(host: string, port: number, path: string, timeoutMs: number): Promise<HttpAnswer>;
  /** Commands and HTTP requests sent so far (for the bench). */
  readonly counts: { exec: number; http: number };
  close(): void;
}

/** The one injected clock of keelson (src/apply/types.ts), under the names the deploy code uses. */
export type { ApplyClock as Clock } from '../apply/types.ts';
export { realClock as systemClock } from '../apply/types.ts';

/** The steps of a deploy on one host, in order; errors and progress name them. */
export type Step =
  | 'connect' | 'lock' | 'inspect' | 'pull' | 'checkout' | 'build' | 'start' | 'health'
  | 'switch' | 'verify' | 'record' | 'drain' | 'cleanup' | 'unlock' | 'rollback';

/** Progress reported while a deploy runs (the CLI prints these; notifiers get the outcomes). */
export interface Progress {
  host: string;
  step: Step;
  message: string;
}

export type Reporter = (p: Progress) => void;
