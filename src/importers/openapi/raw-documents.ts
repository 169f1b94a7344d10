import { dirname, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { unescapePointerToken } from '../../diagnostics/json-pointer.js';

/**
 * The spec's documents as written, `$ref`s intact. swagger-parser dereferences in place, so the
 * root is copied before validation and every file its `$ref`s reach is parsed a second time, from
 * the same bytes, as the parser reads it (rawCapture). Keys are what swagger-parser calls a file:
 * an absolute path, or a URL.
 */
export interface RawDocuments {
  /** Key of the root document. */
  root: string;
  /** Folder of gw.yaml: display names of files are relative to it, like the model's `source.file`. */
  projectDir: string;
  /** Key -> the parsed document. */
  docs: Record<string, unknown>;
  /** Key -> display name, for the root (as the model names the spec). */
  names: Record<string, string>;
}

/** A `$ref` resolved against the raw documents: where it leads and what is there (undefined when nothing). */
export interface RawTarget {
  key: string;
  /** Decoded pointer segments inside that document. */
  path: string[];
  value: unknown;
}

/** The root copy: a JSON text parses again faster than a deep clone of what it gave; YAML is cloned. */
export function createRawDocuments(
  key: string,
  name: string,
  text: string,
  parsed: Record<string, unknown>,
  projectDir: string,
): RawDocuments {
  let root: unknown;
  if (text.trimStart().startsWith('{')) {
    try {
      root = JSON.parse(text);
    } catch {
      // YAML that starts with a brace: clone below.
    }
  }
  return { root: key, projectDir, docs: { [key]: root ?? structuredClone(parsed) }, names: { [key]: name } };
}

/**
 * A swagger-parser parse plugin that runs before the real ones, keeps its own parse of each
 * referenced file, then declines, so the parser's own YAML/JSON plugins (and their error messages)
 * still decide what the validated document is.
 */
export function rawCapture(raw: RawDocuments): object {
  return {
    order: 1,
    canParse: ['.yaml', '.yml', '.json'],
    parse(file: { url: string; data: unknown }): never {
      if (!(file.url in raw.docs)) {
        const text = Buffer.isBuffer(file.data)
          ? file.data.toString('utf8')
          : typeof file.data === 'string'
            ? file.data
            : undefined;
        if (text !== undefined) {
          try {
            raw.docs[file.url] = text.trimStart().startsWith('{')
              ? JSON.parse(text)
              : parseYaml(text, { maxAliasCount: 10_000 });
          } catch {
            // The parser's own plugins report the syntax error.
          }
        }
      }
      throw new Error('gw keeps a copy; the parser plugins parse');
    },
  };
}

const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/**
 * How the model names a document: the root by its spec name, other files relative to gw.yaml's folder, URLs as they
 * are.
 */
export function displayName(raw: RawDocuments, key: string): string {
  return raw.names[key] ?? (isUrl(key) ? key : relative(raw.projectDir, key).split('\\').join('/'));
}

/** Resolves `ref` written in document `from`: `#/a/b`, `other.yaml`, `other.yaml#/X`, `https://...#/Y`. */
export function resolveRawRef(raw: RawDocuments, from: string, ref: string): RawTarget {
  const hash = ref.indexOf('#');
  const filePart = hash < 0 ? ref : ref.slice(0, hash);
  const fragment = hash < 0 ? '' : ref.slice(hash + 1);
  // An absolute URL stands alone: a file path is no base for new URL().
  const key =
    filePart === ''
      ? from
      : isUrl(filePart)
        ? new URL(filePart).href
        : isUrl(from)
          ? new URL(filePart, from).href
          : resolve(dirname(from), safeDecode(filePart));
  const path = parsePointer(fragment);
  return { key, path, value: valueAt(raw.docs[key], path) };
}

export function parsePointer(fragment: string): string[] {
  if (fragment === '' || fragment === '/') return fragment === '/' ? [''] : [];
  return fragment
    .replace(/^\//, '')
    .split('/')
    .map((s) => unescapePointerToken(safeDecode(s)));
}

function valueAt(doc: unknown, path: readonly string[]): unknown {
  let v = doc;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
