import { relative, resolve, sep } from 'node:path';
import { Flags } from '@oclif/core';
import { GwCommand } from '../cli/base-command.js';
import { prose } from '../cli/prose.js';
import { renderBuilt, renderOptionsOf, selectTargets } from '../cli/build-output.js';
import { startBuildHelper } from '../cli/build-helper.js';
import { StagedOutput } from '../cli/staged-output.js';
import { StaleCheck } from '../cli/stale-check.js';
import { chalkFor, formatTable } from '../cli/output.js';
import { type Diagnostic, hasErrors, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import { plural } from '../diagnostics/print.js';
import { DEFAULT_BUILD_OUT } from '../project/config.js';
import type { Gateway } from '../model/types.js';
import type { KeyMaps } from '../cli/key-maps.js';
import { TARGET_NAMES, type Target } from '../targets/types.js';

/** The NGINX key maps (key-maps.ts) when nginx is built: from the keys gw can read here, empty with a warning else. */
async function keyMapsOf(gateway: Gateway, chosen: readonly Target[], dir: string): Promise<KeyMaps | undefined> {
  if (!chosen.some((t) => t.name === 'nginx')) return undefined;
  const { renderKeyMaps } = await import('../cli/key-maps.js');
  return renderKeyMaps(gateway, { baseDir: dir, baseDirName: "gw.yaml's folder", env: process.env }, 'warn');
}

const STALE_WHY = {
  differs: 'differs from what the specs give now',
  missing: 'is missing',
  'not generated': 'is no longer generated',
} as const;

export default class Build extends GwCommand {
  static override summary =
    'Render the gateway: NGINX and Envoy config, a runnable Node gateway, the merged OpenAPI document.';
  static override description =
    prose(`Merges every imported spec into the gateway model and renders each target from its Handlebars
templates into the output folder (one sub-folder per target). Nothing is written when there is an
error, and a target's folder is replaced whole, so a failed build leaves the previous output as it
was. --check renders in memory and exits 1 listing the files that differ from what is on disk.`);
  static override examples = [
    '<%= config.bin %> build',
    '<%= config.bin %> build --target nginx,envoy --out deploy',
    '<%= config.bin %> build --templates my-templates',
    '<%= config.bin %> build --check',
  ];
  static override flags = {
    target: Flags.string({
      char: 't',
      summary:
        `Targets to render, comma-separated: ${TARGET_NAMES.join(', ')}. Default: gw.yaml build.targets, ` +
        `else all.`,
    }),
    out: Flags.string({
      char: 'o',
      summary: `Output folder. Default: gw.yaml build.out (relative to gw.yaml), else ${DEFAULT_BUILD_OUT}.`,
    }),
    templates: Flags.string({
      summary:
        'Folder of template overrides: <dir>/<target>/<name>.hbs (or a file gw copies as it is, such as ' +
        'nginx/gw-auth.js) replaces the bundled file of that name.',
    }),
    check: Flags.boolean({
      summary: 'Write nothing; exit 1 if a generated file on disk differs from what would be written.',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parseGlobal(Build);
    if (flags.target !== undefined) selectTargets(flags.target.split(','));
    const { loadProject } = await import('../project/load.js');
    const project = await loadProject(flags.config);
    const configured = project.config.build;
    const chosen = selectTargets(flags.target !== undefined ? flags.target.split(',') : configured?.targets);
    const outDir = flags.out ? resolve(flags.out) : resolve(project.dir, configured?.out ?? DEFAULT_BUILD_OUT);
    // A second thread checks the specs and renders part of the targets (build-helper.ts); it starts now to load its
    // modules meanwhile. Not for large inputs: they build on this thread, sparing memory (large-build.ts).
    const { isLargeBuild, keepHeapLean } = await import('../cli/large-build.js');
    const large = await isLargeBuild(project);
    if (large) keepHeapLean();
    const helper = large ? undefined : startBuildHelper(chosen);
    // Each target's files are staged (or compared) as soon as they are rendered, not all kept until the end.
    const sink = flags.check ? new StaleCheck(outDir) : new StagedOutput(outDir, chosen);
    let done = false;
    try {
      const { buildGateway } = await import('../cli/load-gateway.js');
      const built = await buildGateway(project, { checkSchema: helper?.checkSchema });
      const err = chalkFor(process.stderr);
      const progress = process.stderr.isTTY && !this.jsonMode;
      // gw.yaml's folder as the output folder sees it, for the files gw.yaml names (certificates, for nginx).
      const projectDir = relative(outDir, project.dir).split(sep).join('/') || '.';
      const options = renderOptionsOf(configured, flags.templates, projectDir);
      const { diagnostics, rendered } = await renderBuilt(
        built,
        chosen,
        options,
        (t, finished, count) => {
          if (progress)
            process.stderr.write(
              finished
                ? `\r\x1b[K${err.green('✓')} ${t.name} ${err.dim(plural(count, 'file'))}\n`
                : `\r\x1b[K${err.dim('…')} rendering ${t.name}`,
            );
        },
        helper,
        sink,
      );
      // Every check and render is back: the thread stops while the files are written.
      helper?.close();
      const keyMaps = rendered && (await keyMapsOf(built.gateway, chosen, project.dir));
      const { configLocator } = await import('../cli/load-gateway.js');
      const { applyAcknowledgements } = await import('../project/acknowledge.js');
      const rules = project.config.acknowledge ?? [];
      const found = sortDiagnostics([...diagnostics, ...(keyMaps?.diagnostics ?? [])]);
      const all = applyAcknowledgements(found, rules, configLocator(project), 'targets');
      if (!rendered || hasErrors(all)) return this.report(all);
      // --check cannot know the maps of keys it cannot read: they are neither compared nor stale.
      const unread = flags.check ? (keyMaps?.unread ?? []) : [];
      await sink.add((keyMaps?.files ?? []).filter((f) => !unread.includes(f.path)));
      done = true;
      if (sink instanceof StaleCheck) await this.check(sink, chosen, all, unread);
      else await this.write(sink, chosen, outDir, all);
    } finally {
      helper?.close();
      if (!done && sink instanceof StagedOutput) await sink.discard();
    }
  }

  private async check(sink: StaleCheck, chosen: Target[], all: Diagnostic[], unread: readonly string[]): Promise<void> {
    const err = chalkFor(process.stderr);
    const outDir = sink.outDir;
    const stale = await sink.finish(chosen, unread);
    const staleDiagnostics = stale.map((s) =>
      createDiagnostic('GW_BUILD_STALE', `${s.path} ${STALE_WHY[s.why]}`, {
        locations: [{ file: resolve(outDir, s.path) }],
        hints: ['run `gw build` and commit the result'],
      }),
    );
    if (this.jsonMode) {
      process.stdout.write(
        `${JSON.stringify(
          { ok: stale.length === 0, out: outDir, stale, diagnostics: [...all, ...staleDiagnostics] },
          null,
          2,
        )}\n`,
      );
      if (stale.length) process.exitCode = 1;
      return;
    }
    if (stale.length === 0)
      process.stderr.write(err.dim(`${plural(sink.count, 'file')} in ${outDir} are up to date\n`));
    return this.report([...all, ...staleDiagnostics], { quietWhenClean: true });
  }

  private async write(sink: StagedOutput, chosen: Target[], outDir: string, all: Diagnostic[]): Promise<void> {
    const err = chalkFor(process.stderr);
    const files = (await sink.commit()).sort((a, b) => (a.path < b.path ? -1 : 1));
    if (this.jsonMode) {
      process.stdout.write(`${JSON.stringify({ ok: true, out: outDir, files, diagnostics: all }, null, 2)}\n`);
      return;
    }
    const rows = files.map((f) => [f.path, `${f.bytes.toLocaleString('en-US')} B`]);
    process.stdout.write(`${formatTable(['FILE', 'SIZE'], rows)}\n`);
    process.stderr.write(
      err.dim(`wrote ${plural(files.length, 'file')} for ${chosen.map((t) => t.name).join(', ')} to ${outDir}\n`),
    );
    this.report(all, { quietWhenClean: true });
  }
}
