import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { frameCommand, unframe } from '../../src/deploy/remote-shell.ts';

/** Runs framed text through a real /bin/sh, as the session shell on a host would. */
function viaShell(text: string): { stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', { input: `echo junk from a profile; echo junk >&2\n${text}`, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr };
}

describe('session shell framing', () => {
  it('gives each command its own stdin, stdout, stderr and exit code; an exit or a syntax error never ends the session', () => {
    const text = [
      frameCommand('a', 'cat; echo out; echo err >&2; exit 3', 'line 1\nline 2\n'),
      frameCommand('b', 'if then', ''),
      frameCommand('c', "printf '%s' \"no newline\"; cat", 'x'),
    ].join('');
    const r = viaShell(text);
    expect(unframe(r.stdout, 'a')).toEqual({ done: true, body: 'line 1\nline 2\nout\n', code: 3 });
    expect(unframe(r.stderr, 'a')).toEqual({ done: true, body: 'err\n', code: undefined });
    expect(unframe(r.stdout, 'b')).toMatchObject({ done: true, code: 2 });
    expect(unframe(r.stderr, 'b')).toMatchObject({ done: true, body: expect.stringMatching(/[Ss]yntax error/) });
    // A here-document ends with a newline: stdin without one gets it.
    expect(unframe(r.stdout, 'c')).toEqual({ done: true, body: 'no newlinex\n', code: 0 });
  });

  it('is not done until the end marker and its exit code arrived', () => {
    const full = viaShell(frameCommand('d', 'echo hi', '')).stdout;
    const cut = full.lastIndexOf(' 0\n');
    expect(unframe(full.slice(0, cut), 'd')).toEqual({ done: false });
    expect(unframe(full, 'd')).toEqual({ done: true, body: 'hi\n', code: 0 });
    expect(unframe('@@keelson-begin-d\nhi\n', 'd')).toEqual({ done: false });
  });
});
