/**
 * Secret values keelson knows about (credentials read from environment variables). Every text that
 * leaves keelson for a human or a file (errors, plans, logs) can be passed through `scrub`.
 */
const known = new Set<string>();

/** Remembers a secret value so that `scrub` hides it. Values shorter than 6 characters are not tracked. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) known.add(value);
}

export function scrub(text: string): string {
  let out = text;
  for (const s of known) out = out.split(s).join('[redacted]');
  return out;
}

/** Reads a credential from the environment variable named in keelson.yaml and registers it as a secret. */
export function readSecretEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  registerSecret(v);
  return v;
}
