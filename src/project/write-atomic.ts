import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GwError } from '../diagnostics/gw-error.js';

/** Writes a whole file or nothing: a temp file beside it, then a rename over the old one. */
export async function writeFileAtomic(file: string, contents: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, contents, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Writes gw.yaml atomically; a failure (permissions, full disk) is a GW_CONFIG_WRITE the user can act on. */
export async function writeConfigFile(file: string, displayName: string, contents: string): Promise<void> {
  try {
    await writeFileAtomic(file, contents);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw GwError.of('GW_CONFIG_WRITE', `cannot write "${displayName}"${code ? ` (${code})` : ''}`, {
      locations: [{ file: displayName }],
      hints: ['check that the folder exists and that you may write to it and to the file; nothing was changed'],
      cause: code ?? err,
    });
  }
}
