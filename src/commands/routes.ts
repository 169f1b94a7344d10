import { GwCommand } from '../cli/base-command.js';
import { formatTable } from '../cli/output.js';
import { describeAuth, describeRateLimit } from '../model/describe.js';
import type { Gateway, Route } from '../model/types.js';

export default class Routes extends GwCommand {
  static override summary = 'Print the merged route table.';
  static override description = `One line per route, in the order the gateway matches them (literal segments before
parameters): method, public path, service, upstream, auth as enforced and rate limit. --json prints an array with
each route's id, operationId, upstream targets and security. Diagnostics go to stderr; the exit
code is 1 when there are errors.`;
  static override examples = ['<%= config.bin %> routes', '<%= config.bin %> routes --json', '<%= config.bin %> routes --config services/gw.yaml'];

  async run(): Promise<void> {
    const { flags } = await this.parseGlobal(Routes);
    const { loadGateway } = await import('../cli/load-gateway.js');
    const { gateway, diagnostics } = await loadGateway(flags.config);
    if (this.jsonMode) {
      process.stdout.write(JSON.stringify(gateway.routes.map((r) => routeSummary(r, gateway)), null, 2) + '\n');
    } else {
      const rows = gateway.routes.map((r) => {
        const s = routeSummary(r, gateway);
        const more = s.upstream.targets.length > 1 ? ` (+${s.upstream.targets.length - 1})` : '';
        const first = s.upstream.targets[0];
        return [r.method, r.path, r.service, first ? `${first}${s.upstream.basePath}${more}` : '(none)', s.auth, s.rateLimit];
      });
      process.stdout.write(formatTable(['METHOD', 'PATH', 'SERVICE', 'UPSTREAM', 'AUTH', 'RATE LIMIT'], rows) + '\n');
    }
    this.jsonMode = false;
    this.report(diagnostics, { quietWhenClean: true });
  }
}

export function routeSummary(r: Route, g: Gateway) {
  const upstream = g.upstreams.find((u) => u.id === r.upstream);
  return {
    id: r.id,
    method: r.method,
    path: r.path,
    service: r.service,
    operationId: r.operationId,
    upstream: { id: r.upstream, basePath: upstream?.basePath ?? '', targets: upstream?.targets.map((t) => t.url) ?? [] },
    upstreamPath: r.upstreamPath,
    auth: describeAuth(r, g.securitySchemes),
    security: r.security,
    rateLimit: describeRateLimit(r.settings.rateLimit),
  };
}
