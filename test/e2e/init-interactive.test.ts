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

describe('gw init on a terminal', () => {
  it.runIf(existsSync(SCRIPT) || process.env.CI)('asks for name, port and specs folder, and writes the answers', async () => {
    const child = spawn(SCRIPT, ['-qec', `${process.execPath} ${BIN} init`, '/dev/null'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (b) => (screen += b));
    const waitFor = async (text: string) => {
      const until = Date.now() + 15_000;
      while (!screen.includes(text)) {
        if (Date.now() > until) throw new Error(`no "${text}" on screen:\n${screen}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? -1)));
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
    expect(screen).toContain('wrote gw.yaml for gateway "my-shop"');
  });
});
