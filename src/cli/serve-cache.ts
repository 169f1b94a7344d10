import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { RuntimeGateway } from '../model/types.js';
import { DEFAULT_BUILD_OUT } from '../project/config.js';
import type { Project } from '../project/load.js';
import { writeFileAtomic } from '../project/write-atomic.js';
import { codeStamp } from './code-stamp.js';

/** What gw serve needs of a loaded project: the part of the model the runtime reads, and what it prints and watches. */
export interface Servable {
  gateway: RuntimeGateway;
  /** The warnings gw serve prints when it (re)loads (serve-session.ts behaviourWarnings). */
  warnings: Diagnostic[];
  /** Local files the gateway was built from: the specs and every file their $refs reach (not gw.yaml). */
  files: string[];
}

/** Which project and which model of it: the services answered from their specs on top of gw.yaml's (--mock-missing). */
export interface ServeCacheKey {
  project: Project;
  mockServices: readonly string[];
}

interface Header {
  format: typeof FORMAT;
  key: string;
  /** Absolute path -> sha256 of every file the model was built from, gw.yaml first. */
  inputs: [string, string][];
}

const FORMAT = 1;
/** An input written this close to the start of the load may have changed while it was read: nothing is stored. */
const RACY_MS = 1000;

/**
 * The cache of gw serve (docs/serve.md, "Start-up cache"): the servable model of the last start, in
 * `<build dir>/.gw-cache/`, reused when every byte it was built from is the same, gw.yaml, each
 * spec and each file its $refs reach (sha256 of each), and gw itself is the same (code-stamp.ts).
 * Only a project without errors is stored, and none with a spec read from a URL, so every error
 * and every change comes from a full load. Reading and writing are best effort: a cache that
 * cannot be read or written is a full load.
 */
export function serveCacheFile({ project, mockServices }: ServeCacheKey): string {
  const buildDir = resolve(project.dir, project.config.build?.out ?? DEFAULT_BUILD_OUT);
  const mocks =
    mockServices.length === 0 ? '' : `-mock-${sha256(JSON.stringify([...mockServices].sort())).slice(0, 12)}`;
  return join(buildDir, '.gw-cache', `serve${mocks}.json.gz`);
}

/** The stored servable model of this project, when everything it was built from is unchanged. */
export async function readServeCache(key: ServeCacheKey): Promise<Servable | undefined> {
  try {
    const bytes = gunzipSync(await readFile(serveCacheFile(key)));
    const newline = bytes.indexOf(0x0a);
    const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as Header;
    if (header.format !== FORMAT || header.key !== (await cacheKey(key))) return undefined;
    for (const [file, hash] of header.inputs) {
      if (sha256(await readFile(file)) !== hash) return undefined;
    }
    return JSON.parse(bytes.subarray(newline + 1).toString('utf8')) as Servable;
  } catch {
    return undefined;
  }
}

/**
 * Stores what a full load of the project gave. `startedAt` is when the load began (Date.now()):
 * when an input was modified since (or just before), the bytes hashed now may not be those the
 * model was built from, and nothing is stored.
 */
export async function writeServeCache(
  key: ServeCacheKey,
  servable: Servable,
  built: { remote: boolean; startedAt: number },
): Promise<void> {
  if (built.remote) return;
  try {
    const inputs: [string, string][] = [];
    for (const file of [key.project.file, ...servable.files]) {
      const [info, bytes] = await Promise.all([stat(file), readFile(file)]);
      if (info.mtimeMs >= built.startedAt - RACY_MS) return;
      inputs.push([file, sha256(bytes)]);
    }
    const header: Header = { format: FORMAT, key: await cacheKey(key), inputs };
    const text = `${JSON.stringify(header)}\n${JSON.stringify(servable)}`;
    const file = serveCacheFile(key);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFileAtomic(file, gzipSync(text, { level: 1 }));
  } catch {
    // A cache that cannot be written (a read-only folder, a full disk) only means a full load next time.
  }
}

/** gw itself, where the project is and how diagnostics name gw.yaml (from the working folder), the mocked services. */
async function cacheKey({ project, mockServices }: ServeCacheKey): Promise<string> {
  const mocks = [...mockServices].sort();
  return sha256(JSON.stringify([await codeStamp(), project.file, project.displayName, mocks]));
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
