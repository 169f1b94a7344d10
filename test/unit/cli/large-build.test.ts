import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLargeBuild, LARGE_SPEC_BYTES } from '../../../src/cli/large-build.js';
import { parseProject } from '../../../src/project/load.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A spec file of `bytes` bytes (sparse: nothing is read). */
function specOf(name: string, bytes: number): string {
  const file = join(dir, name);
  writeFileSync(file, '');
  truncateSync(file, bytes);
  return name;
}

function projectWith(specs: string[]) {
  const services = specs.map(
    (spec, i) => `  - {name: s${i}, spec: ${JSON.stringify(spec)}, upstreams: ["http://h"]}\n`,
  );
  return parseProject(`version: 1\nname: g\nservices:\n${services.join('')}`, join(dir, 'gw.yaml'), 'gw.yaml');
}

describe('isLargeBuild: the specs gw.yaml names, in bytes, against LARGE_SPEC_BYTES', () => {
  const half = LARGE_SPEC_BYTES / 2;
  it.each([
    { name: 'one small spec', specs: () => [specOf('a.json', 1000)], want: false },
    { name: 'specs that reach it together', specs: () => [specOf('b.json', half), specOf('c.json', half)], want: true },
    { name: 'just under it', specs: () => [specOf('d.json', half), specOf('e.json', half - 1)], want: false },
    {
      name: 'an absolute path',
      specs: () => [join(dir, specOf('f.json', LARGE_SPEC_BYTES))],
      want: true,
    },
    {
      name: 'a URL and a missing file count nothing',
      specs: () => ['https://example.com/big.json', 'missing.json', specOf('g.json', half)],
      want: false,
    },
  ])('$name: $want', async ({ specs, want }) => expect(await isLargeBuild(projectWith(specs()))).toBe(want));
});
