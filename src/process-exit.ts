/**
 * How the CLI process ends. A command is done when its verb returns, whatever the event loop still
 * holds: a socket of a call that was given up on (the Vultr SDK cannot abort one), a keep-alive
 * connection, a rate-budget hold. Waiting for those to drain let `plan` print its plan and then never
 * exit, so the entry point flushes stdout and stderr and exits with the verb's code.
 */

/** Resolves once everything written to `stream` so far has been handed to the OS. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.write('', () => resolve());
  });
}

/** Flushes stdout and stderr, then ends the process with `code`. Long-running verbs return only when stopped. */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}
