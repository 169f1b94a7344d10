import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { GwCommand } from '../cli/base-command.js';
import { chalkFor, formatTable } from '../cli/output.js';
import { prose } from '../cli/prose.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { createDiagnostic, GwError } from '../diagnostics/gw-error.js';
import { plural } from '../diagnostics/print.js';
import { DEFAULT_BUILD_OUT } from '../project/config.js';
import type { RenderedFile } from '../targets/types.js';

export default class Keys extends GwCommand {
  static override summary = "Hash the apiKey schemes' keys into the NGINX target's key maps, for nginx to reload.";
  static override description =
    prose(`Reads the keys gw.yaml \`credentials\` point at (files relative to gw.yaml's folder, environment
variables) and writes <out>/nginx/keys/<scheme>.map for every apiKey scheme a route needs: the
SHA-256 of each key with its consumer, never a key. nginx looks keys up there, so it reads no keys
file per request: run gw keys after the keys change, then \`nginx -s reload\`. gw build writes the
same files. A key that cannot be read or appears twice is an error, and nothing is written then.`);
  static override examples = [
    '<%= config.bin %> keys && nginx -p dist/nginx -s reload',
    '<%= config.bin %> keys --out deploy',
  ];
  static override flags = {
    out: Flags.string({
      char: 'o',
      summary: `Output folder of gw build. Default: gw.yaml build.out, else ${DEFAULT_BUILD_OUT}.`,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parseGlobal(Keys);
    const { loadProject } = await import('../project/load.js');
    const project = await loadProject(flags.config);
    const outDir = flags.out
      ? resolve(flags.out)
      : resolve(project.dir, project.config.build?.out ?? DEFAULT_BUILD_OUT);
    const { buildGateway } = await import('../cli/load-gateway.js');
    const built = await (await buildGateway(project)).checked;
    if (hasErrors(built.diagnostics)) return this.report(built.diagnostics);
    const { renderKeyMaps } = await import('../cli/key-maps.js');
    const secrets = { baseDir: project.dir, baseDirName: "gw.yaml's folder", env: process.env };
    const maps = await renderKeyMaps(built.gateway, secrets, 'fail');
    if (hasErrors(maps.diagnostics)) throw new GwError(maps.diagnostics);
    await writeAll(outDir, maps.files);
    const counts = [...maps.counts.values()];
    const rows = maps.files.map((f, i) => ({ path: f.path, keys: counts[i]! }));
    if (this.jsonMode) {
      process.stdout.write(`${JSON.stringify({ ok: true, out: outDir, files: rows, diagnostics: [] }, null, 2)}\n`);
      return;
    }
    const err = chalkFor(process.stderr);
    if (rows.length === 0) {
      process.stderr.write(err.dim('no route needs an apiKey scheme with keys: no key map to write\n'));
      return;
    }
    process.stdout.write(
      `${formatTable(
        ['FILE', 'KEYS'],
        rows.map((r) => [r.path, r.keys.toLocaleString('en-US')]),
      )}\n`,
    );
    process.stderr.write(err.dim(`wrote ${plural(rows.length, 'key map')} to ${outDir}; reload nginx to use them\n`));
  }
}

/** Each map written beside itself and renamed over the old one: nginx, reloading, reads a whole file. */
async function writeAll(outDir: string, files: readonly RenderedFile[]): Promise<void> {
  try {
    for (const f of files) {
      const path = join(outDir, f.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(`${path}.tmp`, f.contents, { mode: 0o644 });
      await rename(`${path}.tmp`, path);
    }
  } catch (e) {
    throw new GwError([
      createDiagnostic('GW_BUILD_WRITE', `cannot write the key maps in ${outDir}`, {
        cause: e,
        hints: ['check that the folder is writable'],
      }),
    ]);
  }
}
