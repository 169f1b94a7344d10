#!/usr/bin/env node
// `npm run demo`: gw at work on the bundled example (examples/shop), in a fresh temp folder.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gw-demo-'));
cpSync(join(root, 'examples', 'shop', 'specs'), join(dir, 'specs'), { recursive: true });

const steps = [
  ['init', '--yes', '--name', 'shop'],
  ['import', 'specs/users.yaml', 'specs/orders/openapi.yaml', 'specs/catalog.json'],
  ['routes'],
  ['validate'],
];
const bold = process.stdout.isTTY && !process.env.NO_COLOR ? (s) => `\x1b[1m${s}\x1b[0m` : (s) => s;

console.log(`gw demo: three services of a small shop (Swagger 2.0, OpenAPI 3.0 with multi-file $refs, OpenAPI 3.1)\nin ${dir}\n`);
for (const args of steps) {
  console.log(bold(`$ gw ${args.join(' ')}`));
  const r = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), ...args], { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\ngw ${args[0]} exited with ${r.status}`);
    process.exit(r.status ?? 1);
  }
  console.log('');
}
console.log(`The warning above is on purpose: /products/featured and /products/{productId} overlap, and the
precedence rule (literal segments beat parameters) settles it. Explore the project yourself:
  cd ${dir} && node ${join(root, 'bin', 'run.js')} model --json | less`);
