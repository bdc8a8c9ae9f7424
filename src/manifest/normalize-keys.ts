/**
 * SSHKey and StartupScript documents in their normalized form: the key or script text, inline or
 * from the file `readContentFiles` read. A document whose file could not be read (a problem is
 * already recorded) is left out, so nothing plans against a key it never saw.
 */
import { normalizePublicKey } from '../model/ssh-key-text.ts';
import type { SshKeyDoc, StartupScriptDoc } from '../model/types.ts';
import type { ContentFiles } from './content-files.ts';
import { envelopeOf, opt, or, specOf } from './normalize-common.ts';
import type { CheckedDocument } from './validate-schema.ts';

export function normalizeSshKey(c: CheckedDocument, files: ContentFiles): SshKeyDoc | undefined {
  const spec = specOf(c);
  const file = opt<string>(spec, 'publicKeyFile');
  const text = file === undefined ? (spec.publicKey as string) : files.get(file);
  if (text === undefined) return undefined;
  return { kind: 'SSHKey', ...envelopeOf(c), spec: { provider: 'vultr', publicKey: normalizePublicKey(text), ...(file === undefined ? {} : { file }) } };
}

export function normalizeStartupScript(c: CheckedDocument, files: ContentFiles): StartupScriptDoc | undefined {
  const spec = specOf(c);
  const file = opt<string>(spec, 'scriptFile');
  const script = file === undefined ? (spec.script as string) : files.get(file);
  if (script === undefined) return undefined;
  return { kind: 'StartupScript', ...envelopeOf(c), spec: { provider: 'vultr', type: or(spec, 'type', 'boot'), script, ...(file === undefined ? {} : { file }) } };
}
