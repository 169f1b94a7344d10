import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GwCommand } from '../../src/cli/base-command.js';
import { COMMANDS } from '../../src/commands/index.js';
import { ROOT } from '../helpers/cli.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The text under `### \`gw <name>...\`` up to the next heading. */
function commandSection(name: string): string {
  const start = readme.search(new RegExp(`^### \`gw ${name}\\b`, 'm'));
  if (start < 0) return '';
  const body = readme.slice(start).replace(/^.*\n/, '');
  const end = body.search(/^##/m);
  return end < 0 ? body : body.slice(0, end);
}

type Flag = { char?: string };

describe('README.md lists every command and its flags', () => {
  for (const [name, command] of Object.entries(COMMANDS)) {
    it(`gw ${name}`, () => {
      const section = commandSection(name);
      expect(section, `README has a "### \`gw ${name}" section`).not.toBe('');
      const flags = Object.entries((command.flags ?? {}) as Record<string, Flag>);
      const missing = flags.filter(
        ([flag, f]) => !section.includes(`--${flag}`) || (f.char !== undefined && !section.includes(`-${f.char},`)),
      );
      expect(missing.map(([flag]) => flag)).toEqual([]);
    });
  }

  it('the flags every command takes', () => {
    const section = readme.slice(readme.indexOf('## Commands'), readme.indexOf('### `gw init`'));
    const flags = Object.entries(GwCommand.baseFlags as Record<string, Flag>);
    expect(flags.length).toBeGreaterThan(2);
    expect(flags.filter(([flag]) => !section.includes(`--${flag}`)).map(([flag]) => flag)).toEqual([]);
  });
});
