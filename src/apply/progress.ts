/**
 * How an apply reads while it runs. On a terminal: a block redrawn in place (log-update) listing what
 * runs, what waits on what, and the elapsed time of each server install. In CI logs (not a TTY): one
 * plain line per event, nothing redrawn. Either way, a final line per change follows.
 */
import { createLogUpdate } from 'log-update';
import { scrub } from '../secrets.ts';
import type { Change } from '../plan/types.ts';
import type { ApplyEvent } from './types.ts';

export interface ProgressReporter {
  onEvent(e: ApplyEvent): void;
  /** Stops redrawing (leaves the last frame) and flushes. */
  close(): void;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
}

function label(c: Change): string {
  return `${c.action} ${c.kind}/${c.name}`;
}

/** Plain lines, for logs. */
export function lineReporter(out: NodeJS.WritableStream, now: () => number = Date.now): ProgressReporter {
  const started = now();
  const lastInstallLine = new Map<string, number>();
  const write = (s: string) => out.write(`${scrub(s)}\n`);
  return {
    onEvent(e) {
      const t = `[${seconds(now() - started)}]`;
      if (e.type === 'start') write(`${t} start   ${label(e.change)}`);
      else if (e.type === 'waiting') write(`${t} waiting ${label(e.change)} on ${e.on.join(', ')}`);
      else if (e.type === 'installing') {
        // One line per 30 s of install is enough for a log; a terminal shows every tick.
        const last = lastInstallLine.get(e.change.id) ?? -Infinity;
        if (e.elapsedMs - last >= 30_000) {
          lastInstallLine.set(e.change.id, e.elapsedMs);
          write(`${t} install ${label(e.change)}: server ${e.serverId} installing for ${seconds(e.elapsedMs)}`);
        }
      } else if (e.type === 'done') write(`${t} done    ${label(e.change)} (${seconds(e.elapsedMs)})`);
      else if (e.type === 'failed') write(`${t} FAILED  ${label(e.change)}: ${e.error}`);
      else write(`${t} skipped ${label(e.change)}: ${e.reason}`);
    },
    close() {},
  };
}

/** A redrawn status block, for terminals. Finished changes scroll above it as plain lines. */
export function terminalReporter(out: NodeJS.WriteStream, now: () => number = Date.now): ProgressReporter {
  const draw = createLogUpdate(out);
  const running = new Map<string, { change: Change; since: number; install?: number }>();
  const waiting = new Map<string, string[]>();
  const started = now();
  const render = () => {
    const lines = [`applying… ${seconds(now() - started)} elapsed`];
    for (const r of running.values()) {
      const extra = r.install !== undefined ? ` — installing ${seconds(r.install)}` : '';
      lines.push(`  ▸ ${label(r.change)} ${seconds(now() - r.since)}${extra}`);
    }
    for (const [id, on] of waiting) if (!running.has(id)) lines.push(`  … ${id} waits on ${on.join(', ')}`);
    draw(scrub(lines.join('\n')));
  };
  const timer = setInterval(render, 250);
  timer.unref();
  const permanent = (s: string) => {
    draw.clear();
    out.write(`${scrub(s)}\n`);
    render();
  };
  return {
    onEvent(e) {
      const id = e.change.id;
      if (e.type === 'start') {
        waiting.delete(id);
        running.set(id, { change: e.change, since: now() });
      } else if (e.type === 'waiting') waiting.set(id, e.on);
      else if (e.type === 'installing') {
        const r = running.get(id);
        if (r) r.install = e.elapsedMs;
      } else {
        running.delete(id);
        waiting.delete(id);
        if (e.type === 'done') permanent(`  ✓ ${label(e.change)} (${seconds(e.elapsedMs)})`);
        else if (e.type === 'failed') permanent(`  ✗ ${label(e.change)}: ${e.error}`);
        else permanent(`  - ${label(e.change)} skipped: ${e.reason}`);
      }
      render();
    },
    close() {
      clearInterval(timer);
      draw.clear();
      draw.done();
    },
  };
}

/** The right reporter for a stream: redrawn on a terminal, plain lines otherwise. */
export function reporterFor(out: NodeJS.WriteStream): ProgressReporter {
  return out.isTTY && !process.env.CI ? terminalReporter(out) : lineReporter(out);
}
