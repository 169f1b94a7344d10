import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../src/diagnostics/codes.js';
import { ROOT } from '../helpers/cli.js';

const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));

describe('docs/errors.md documents every GW_* code, and only those', () => {
  it('has one "## GW_..." heading per catalogued code', () => {
    const text = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8');
    const headings = [...text.matchAll(/^## (GW_[A-Z0-9_]+)\s*$/gm)].map((m) => m[1]);
    expect([...headings].sort()).toEqual(Object.keys(CODES).sort());
  });
});

describe('examples in docs are the golden test files they claim to be', () => {
  for (const doc of [...docs, '../README.md']) {
    const text = readFileSync(join(ROOT, 'docs', doc), 'utf8');
    const examples = [...text.matchAll(/<!-- example: (\S+) -->\n```[a-z]*\n([\s\S]*?)```/g)];
    for (const [, file, body] of examples) {
      it(`${doc}: ${file}`, () => expect(body).toBe(readFileSync(join(ROOT, file!), 'utf8')));
    }
  }
  it('finds the examples', () => {
    const all = docs.map((d) => readFileSync(join(ROOT, 'docs', d), 'utf8')).join('');
    expect((all.match(/<!-- example: /g) ?? []).length).toBeGreaterThanOrEqual(3);
  });
});
