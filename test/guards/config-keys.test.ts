import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { sectionOf } from '../helpers/markdown.js';

type Schema = {
  $ref?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
};

const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'gw.schema.json'), 'utf8')) as Schema & {
  definitions: Record<string, Schema>;
};
const SETTINGS = '#/definitions/settings';

const resolve = (s: Schema): Schema => (s.$ref ? resolve(schema.definitions[s.$ref.split('/').pop()!]!) : s);

/**
 * Every key path a file of this shape can hold, in the docs' notation: `a.b` for a nested key,
 * `list[].key` for a key of a list's items, `map.<name>` for a map's entries (any name in the
 * brackets; the entry row stands for the map too). Both branches of a oneOf count. Descent stops
 * at `stop` (the settings object, which docs/x-gw.md lists once for every level).
 */
function keyPaths(s: Schema, path = '', stop?: string): string[] {
  if (stop && s.$ref === stop) return [];
  const r = resolve(s);
  const inner = [...(r.oneOf ?? []), ...(r.anyOf ?? [])].flatMap((b) => keyPaths(b, path, stop));
  const props = Object.entries(r.properties ?? {}).flatMap(([key, v]) => {
    const here = path ? `${path}.${key}` : key;
    const value = resolve(v);
    const entry = typeof value.additionalProperties === 'object' ? `${here}.<>` : undefined;
    const below = entry ? keyPaths(value.additionalProperties as Schema, entry, stop) : keyPaths(v, here, stop);
    return [entry ?? here, ...below];
  });
  const items = r.items ? keyPaths(r.items, `${path}[]`, stop) : [];
  return [...new Set([...inner, ...props, ...items])];
}

/** The keys of the table under `## Keys` in a doc, normalised: `<anything>` -> `<>`, no trailing `[]`. */
function documentedKeys(doc: string): string[] {
  const section = sectionOf(readFileSync(join(ROOT, 'docs', doc), 'utf8'), '## Keys');
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!.replace(/<[^>]+>/g, '<>').replace(/\[\]$/, ''));
}

/** A map may also have a row of its own (`credentials`) besides its entries' (`credentials.<id>`). */
const maps = (paths: string[]) => paths.filter((p) => p.endsWith('.<>')).map((p) => p.slice(0, -3));

function checkTable(doc: string, paths: string[]): void {
  const rows = documentedKeys(doc);
  it('finds the rows', () => expect(rows.length).toBeGreaterThan(10));
  it('has a row for every key of the schema', () => expect(paths.filter((p) => !rows.includes(p))).toEqual([]));
  it('has no row for a key the schema does not have', () => {
    const known = new Set([...paths, ...maps(paths)]);
    expect(rows.filter((r) => !known.has(r))).toEqual([]);
  });
  it('has one row per key', () => expect(rows.filter((r, i) => rows.indexOf(r) !== i)).toEqual([]));
}

describe('docs/gw-yaml.md lists every key of schema/gw.schema.json', () => {
  checkTable('gw-yaml.md', keyPaths(schema, '', SETTINGS));
});

describe('docs/x-gw.md lists every key of the settings object (x-gw, gw.yaml settings)', () => {
  checkTable('x-gw.md', keyPaths(schema.definitions.settings!));
});
