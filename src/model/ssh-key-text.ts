/**
 * What an ssh public key and a startup script look like once normalized, shared by the schemas, the
 * manifest loader (files are checked after reading) and the planner (live and desired compare alike).
 */

/** One OpenSSH public key line: type, base64 body, optional comment. */
export const SSH_PUBLIC_KEY_PATTERN =
  '^\\s*(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\\.com|sk-ecdsa-sha2-nistp256@openssh\\.com)[ \\t]+[A-Za-z0-9+/]+={0,3}([ \\t][^\\r\\n]*)?\\s*$';

const SSH_PUBLIC_KEY = new RegExp(SSH_PUBLIC_KEY_PATTERN);

/** Whether `text` is exactly one public key line (surrounding whitespace allowed). */
export function isSshPublicKey(text: string): boolean {
  return SSH_PUBLIC_KEY.test(text);
}

/** The comparable form of a public key: trimmed, runs of spaces and tabs collapsed. */
export function normalizePublicKey(text: string): string {
  return text.trim().replace(/[ \t]+/g, ' ');
}

/** Largest startup script keelson sends (Vultr documents no limit; cloud-init user data caps at 64 KiB too). */
export const STARTUP_SCRIPT_MAX = 65_536;
