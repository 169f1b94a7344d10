import { GwCommand } from '../cli/base-command.js';
import { prose } from '../cli/prose.js';

export default class Model extends GwCommand {
  static override summary = 'Print the merged gateway model as JSON.';
  static override description =
    prose(`The model is what every target and the built-in proxy read: services, upstreams with
their targets, routes in precedence order with typed parameters, security requirements and
effective settings, each with the spec file and JSON pointer it came from. Diagnostics go to
stderr; the exit code is 1 when there are errors.`);
  static override examples = ['<%= config.bin %> model --json', '<%= config.bin %> model --json | jq ".routes[].path"'];

  async run(): Promise<void> {
    const { flags } = await this.parseGlobal(Model);
    const { loadGateway } = await import('../cli/load-gateway.js');
    const { gateway, diagnostics } = await loadGateway(flags.config);
    process.stdout.write(`${JSON.stringify(gateway, null, 2)}\n`);
    this.jsonMode = false;
    this.report(diagnostics, { quietWhenClean: true });
  }
}
