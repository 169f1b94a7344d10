import { Args, Flags } from '@oclif/core';
import { GwCommand } from '../cli/base-command.js';
import { prose } from '../cli/prose.js';
import type { ImportedService } from '../cli/import-specs.js';
import { chalkFor } from '../cli/output.js';
import { GwError } from '../diagnostics/gw-error.js';
import { plural } from '../diagnostics/print.js';

export default class Import extends GwCommand {
  static override summary = 'Validate OpenAPI specs and record their services in gw.yaml.';
  static override description =
    prose(`Takes files or http(s) URLs: OpenAPI 2.0, 3.0 or 3.1, YAML or JSON, with $refs across files.
Each spec is validated; the service is named after info.title unless --name says otherwise.
Re-importing a spec updates its entry and keeps every setting you added to it. gw.yaml is
rewritten in one atomic step, keeping your comments and key order; on any error it is left
untouched. With no arguments, imports every OpenAPI document in the \`specs\` folder: each
YAML or JSON file with a top-level openapi or swagger key (files that are only $ref targets are skipped).`);
  static override examples = [
    '<%= config.bin %> import specs/users.yaml',
    '<%= config.bin %> import https://example.com/orders/openapi.json --name orders',
    '<%= config.bin %> import specs/billing.yaml --prefix /billing --upstream http://10.0.0.5:8080 --upstream ' +
      'http://10.0.0.6:8080',
    '<%= config.bin %> import',
  ];
  static override strict = false;
  static override args = {
    spec: Args.string({ description: 'Spec files or URLs (several allowed).', required: false }),
  };
  static override flags = {
    name: Flags.string({ char: 'n', summary: 'Service name (default: from info.title).' }),
    upstream: Flags.string({
      char: 'u',
      summary: "Upstream URL replacing the spec's servers (repeatable).",
      multiple: true,
    }),
    prefix: Flags.string({ char: 'p', summary: 'Mount the service under this path, e.g. /billing.' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parseGlobal(Import);
    checkFlags(flags);
    // The importer (swagger-parser, Ajv, yaml) loads when a command needs it: every gw command imports every command
    // class.
    const [{ loadProject }, { importSpecs }] = await Promise.all([
      import('../project/load.js'),
      import('../cli/import-specs.js'),
    ]);
    const project = await loadProject(flags.config);
    const prefix = flags.prefix?.replace(/\/+$/, '');
    const { services, diagnostics } = await importSpecs(project, {
      specs: argv as string[],
      name: flags.name,
      upstreams: flags.upstream,
      prefix,
    });
    if (this.jsonMode) {
      process.stdout.write(`${JSON.stringify({ ok: true, services, diagnostics }, null, 2)}\n`);
      return;
    }
    const c = chalkFor(process.stdout);
    for (const s of services) process.stdout.write(`${c.green('✔')} ${describeImport(s)}\n`);
    this.report(diagnostics, { quietWhenClean: true });
    process.stdout.write(
      c.dim('next: `gw validate` checks the services against each other; `gw routes` shows the route table\n'),
    );
  }
}

function describeImport(s: ImportedService): string {
  const version = s.openapi === '2.0' ? 'Swagger 2.0' : `OpenAPI ${s.openapi}`;
  const servers =
    s.targets.length > 0 ? `${plural(s.targets.length, 'server')} (${s.targets.join(', ')})` : 'no server';
  const security =
    s.securitySchemes.length > 0
      ? `${plural(s.securitySchemes.length, 'security scheme')} (${s.securitySchemes.join(', ')})`
      : 'no security schemes';
  const moved = s.previousSpec ? ` (was ${s.previousSpec})` : '';
  return (
    `${s.result} ${s.name}: ${s.spec}${moved}, ${version}, ${plural(s.operations, 'operation')}, ` +
    `${servers}, ${security}`
  );
}

function checkFlags(flags: { upstream?: string[]; prefix?: string; name?: string }): void {
  for (const u of flags.upstream ?? []) {
    if (!/^https?:\/\/[^/\s]+/.test(u))
      throw GwError.of('GW_USAGE', `--upstream "${u}" is not an http(s) URL`, {
        hints: ['write it like --upstream http://10.0.0.5:8080 or --upstream https://users.internal/v1'],
      });
  }
  if (flags.prefix !== undefined && !/^(\/[^/?#{}\s]+)+\/?$/.test(flags.prefix)) {
    throw GwError.of('GW_USAGE', `--prefix "${flags.prefix}" is not a path`, {
      hints: ['write it like --prefix /billing (a leading slash, no braces or query)'],
    });
  }
  if (flags.name !== undefined && !/^[a-z][a-z0-9-]{0,62}$/.test(flags.name)) {
    throw GwError.of('GW_USAGE', `--name "${flags.name}" is not a valid service name`, {
      hints: ['use lower-case letters, digits and dashes, starting with a letter, e.g. --name billing'],
    });
  }
}
