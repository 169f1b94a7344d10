import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, tempDir } from '../helpers/cli.js';

// `script` (util-linux, in every Debian) gives the CLI a real terminal, so gw init asks its questions.
const SCRIPT = '/usr/bin/script';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

/** `gw init` on a terminal made by `script`: what it shows, a way to wait for text, and its exit code. */
function startInit() {
  const child = spawn(SCRIPT, ['-qec', `${process.execPath} ${BIN} init`, '/dev/null'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const term = { child, screen: '', exited: new Promise<number>((r) => child.on('close', (code) => r(code ?? -1))) };
  child.stdout.on('data', (b) => (term.screen += b));
  const waitFor = async (text: string) => {
    const until = Date.now() + 15_000;
    while (!term.screen.includes(text)) {
      if (Date.now() > until) throw new Error(`no "${text}" on screen:\n${term.screen}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { ...term, term, waitFor };
}

describe('gw init on a terminal', () => {
  it.runIf(existsSync(SCRIPT) || process.env.CI)(
    'asks for name, port and specs folder, and writes the answers',
    async () => {
      const { child, term, waitFor, exited } = startInit();
      try {
        await waitFor('Gateway name');
        child.stdin.write('\x15my-shop\r'); // Ctrl-U clears the default, then type
        await waitFor('Listen port');
        child.stdin.write('\r'); // keep 8080
        await waitFor('Folder where the OpenAPI specs live');
        child.stdin.write('\x15openapi\r');
        expect(await exited).toBe(0);
      } finally {
        child.kill('SIGKILL');
      }
      const config = parse(await readFile(join(dir, 'gw.yaml'), 'utf8'));
      expect(config).toMatchObject({ name: 'my-shop', listen: { port: 8080 }, specs: 'openapi' });
      expect(term.screen).toContain('wrote gw.yaml for gateway "my-shop"');
    },
  );

  // Issue 10, item 19: Ctrl-C at a prompt is the user's choice, not a bug in gw.
  it.runIf(existsSync(SCRIPT) || process.env.CI)(
    'Ctrl-C at a prompt exits 130 with one plain line and writes nothing',
    async () => {
      const { child, term, waitFor, exited } = startInit();
      try {
        await waitFor('Gateway name');
        child.stdin.write('\x15my-shop\r');
        await waitFor('Listen port');
        child.stdin.write('\x03'); // Ctrl-C: the prompt has the terminal in raw mode, so it reads the byte
        expect({ code: await exited, screen: term.screen }).toMatchObject({ code: 130 });
      } finally {
        child.kill('SIGKILL');
      }
      expect(term.screen).not.toContain('GW_INTERNAL');
      expect(term.screen).not.toContain('bug');
      const after = term.screen
        .slice(term.screen.indexOf('Listen port'))
        .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g'), ''); // the prompt's cursor codes
      expect(after.split(/\r?\n/).filter((l) => /cancel/i.test(l))).toEqual([
        'gw init: cancelled, nothing was written',
      ]);
      expect(existsSync(join(dir, 'gw.yaml'))).toBe(false);
    },
  );
});
