/**
 * POSIX shell quoting for commands sent over SSH. Every remote command is built as an argument list by
 * a pure function and joined here, so no value is ever interpreted by the remote shell.
 *
 * Hand-written rather than shell-quote: single quotes with `'\''` for embedded quotes is the whole
 * POSIX rule, and shell-quote's quote() has had an injection bug (CVE-2021-42740).
 */

/** One argument, quoted only when it needs to be (so logged commands stay readable). */
export function quote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argument list as one command line. */
export function join(argv: readonly string[]): string {
  return argv.map(quote).join(' ');
}
