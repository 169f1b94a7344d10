import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { GwCommand } from '../cli/base-command.js';
import { prose } from '../cli/prose.js';
import { chalkFor } from '../cli/output.js';
import { GwError } from '../diagnostics/gw-error.js';
import { DEFAULT_LISTEN, DEFAULT_SPECS_DIR } from '../project/config.js';
import { defaultGatewayName, renderInitialConfig, type InitAnswers } from '../project/init.js';

export default class Init extends GwCommand {
  static override summary = 'Create gw.yaml in the current folder.';
  static override description =
    prose(`On a terminal, asks for the gateway's name, listen port and specs folder. Without a terminal,
or with --yes, takes the flags and defaults. Refuses to overwrite an existing gw.yaml unless
--force is given. The file's first line points editors at gw's JSON Schema.`);
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --yes --name shop --port 8080',
    '<%= config.bin %> init --yes --force --specs openapi',
  ];
  static override flags = {
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask; take flags and defaults.', default: false }),
    name: Flags.string({ summary: 'Gateway name (lower-case letters, digits, dashes). Default: the folder name.' }),
    host: Flags.string({ summary: `Address to listen on. Default ${DEFAULT_LISTEN.host}.` }),
    port: Flags.integer({ summary: `Port to listen on. Default ${DEFAULT_LISTEN.port}.`, min: 0, max: 65535 }),
    specs: Flags.string({ summary: `Folder where the specs live. Default ${DEFAULT_SPECS_DIR}.` }),
    force: Flags.boolean({ summary: 'Overwrite an existing gw.yaml.', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parseGlobal(Init);
    const file = resolve(flags.config);
    if (existsSync(file) && !flags.force) {
      throw GwError.of('GW_CONFIG_EXISTS', `"${flags.config}" already exists`, {
        locations: [{ file: flags.config }],
        hints: ['keep it and use `gw import` to add services, or pass --force to replace it'],
      });
    }
    if (flags.name !== undefined && !/^[a-z][a-z0-9-]{0,62}$/.test(flags.name)) {
      throw GwError.of('GW_USAGE', `--name "${flags.name}" is not a valid gateway name`, {
        hints: ['use lower-case letters, digits and dashes, starting with a letter, e.g. --name shop-gateway'],
      });
    }
    const defaults: InitAnswers = {
      name: flags.name ?? defaultGatewayName(basename(process.cwd())),
      host: flags.host ?? DEFAULT_LISTEN.host,
      port: flags.port ?? DEFAULT_LISTEN.port,
      specs: flags.specs ?? DEFAULT_SPECS_DIR,
    };
    const interactive = !flags.yes && !this.jsonMode && process.stdin.isTTY === true && process.stdout.isTTY === true;
    // Loaded here, not at the top: every gw command imports every command class (the prompts library alone is ~30 ms).
    const answers = interactive ? await (await import('../cli/prompts.js')).askInitQuestions(defaults) : defaults;
    const text = renderInitialConfig(file, answers);
    const [{ parseProject }, { writeConfigFile }] = await Promise.all([
      import('../project/load.js'),
      import('../project/write-atomic.js'),
    ]);
    parseProject(text, file, flags.config);
    await writeConfigFile(file, flags.config, text);
    if (this.jsonMode) {
      process.stdout.write(`${JSON.stringify({ ok: true, file: flags.config, ...answers }, null, 2)}\n`);
      return;
    }
    const c = chalkFor(process.stdout);
    process.stdout.write(
      `${c.green('✔')} wrote ${flags.config} for gateway "${answers.name}" on ${answers.host}:${answers.port}\n`,
    );
    process.stdout.write(
      `  next: ${c.bold('gw import path/to/openapi.yaml')} for each service, then ${c.bold('gw routes')}\n`,
    );
  }
}
