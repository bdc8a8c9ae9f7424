import { SSH_PUBLIC_KEY_PATTERN, STARTUP_SCRIPT_MAX } from '../ssh-key-text.ts';
import { exactlyOneOf, kindSchema, obj, str } from './common.ts';

const repoFile = (what: string): Record<string, unknown> =>
  str(`Path of a file in this repository holding ${what}, relative to the repository root (a path outside the repository is refused).`, { minLength: 1 });

export const sshKeySchema = kindSchema('SSHKey', 'ssh-key.json', 'An ssh public key keelson uploads to the provider; Servers name it in spec.sshKeys.', obj(
  {
    provider: { type: 'string', enum: ['vultr'], default: 'vultr', description: 'The provider the key is uploaded to.' },
    publicKey: str('The public key, one OpenSSH line ("ssh-ed25519 AAAA... comment").', { pattern: SSH_PUBLIC_KEY_PATTERN }),
    publicKeyFile: repoFile('the public key (e.g. "keys/ops.pub")'),
  },
  [],
  { description: 'The key: exactly one of `publicKey` (its text) or `publicKeyFile` (a file in the repository).', oneOf: exactlyOneOf('publicKey', 'publicKeyFile') },
));

export const startupScriptSchema = kindSchema('StartupScript', 'startup-script.json', 'A startup script keelson uploads to the provider; Servers name it in spec.startupScript.', obj(
  {
    provider: { type: 'string', enum: ['vultr'], default: 'vultr', description: 'The provider the script is uploaded to.' },
    type: { type: 'string', enum: ['boot', 'pxe'], default: 'boot', description: 'Vultr\'s script type: "boot" runs at first boot, "pxe" is an iPXE chain script.' },
    script: str('The script text.', { minLength: 1, maxLength: STARTUP_SCRIPT_MAX }),
    scriptFile: repoFile('the script (e.g. "scripts/bootstrap.sh")'),
  },
  [],
  { description: 'The script: exactly one of `script` (its text) or `scriptFile` (a file in the repository).', oneOf: exactlyOneOf('script', 'scriptFile') },
));
