import { Flags } from '@oclif/core';
import { GwCommand } from '../cli/base-command.js';
import { prose } from '../cli/prose.js';
import { chalkFor } from '../cli/output.js';
import { plural } from '../diagnostics/print.js';

export default class Validate extends GwCommand {
  static override summary = 'Check gw.yaml and every imported spec, and report conflicts between services.';
  static override description =
    prose(`Loads gw.yaml, validates each spec, merges them into the gateway model and prints every
problem found (errors and warnings), each with its GW_* code, file, JSON pointer, line and a hint.
Exits 1 when there is an error (or any warning, with --strict).`);
  static override examples = [
    '<%= config.bin %> validate',
    '<%= config.bin %> validate --config deploy/gw.yaml --strict',
    '<%= config.bin %> validate --json',
  ];
  static override flags = {
    strict: Flags.boolean({ summary: 'Fail on warnings too.', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parseGlobal(Validate);
    const { loadGateway } = await import('../cli/load-gateway.js');
    const { gateway, diagnostics } = await loadGateway(flags.config);
    if (!this.jsonMode && diagnostics.length === 0) {
      const c = chalkFor(process.stderr);
      process.stderr.write(
        c.dim(`${plural(gateway.services.length, 'service')}, ${plural(gateway.routes.length, 'route')}\n`),
      );
    }
    this.report(diagnostics, { strict: flags.strict });
  }
}
