import { Flags } from '@oclif/core';
import { GwCommand } from '../cli/base-command.js';
import { prose } from '../cli/prose.js';
import { formatTable } from '../cli/output.js';
import { filterRoutes } from '../cli/route-filter.js';
import { describeAuth, describeRateLimit } from '../model/describe.js';
import type { Gateway, Route } from '../model/types.js';

export default class Routes extends GwCommand {
  static override summary = 'Print the merged route table.';
  static override description =
    prose(`One line per route, in the order the gateway matches them (literal segments before
parameters): method, public path, service, upstream, auth as enforced and rate limit. --json prints an array with
each route's id, operationId, upstream targets and security. Diagnostics go to stderr; the exit
code is 1 when there are errors.

--service keeps the routes of one service (repeat it for several). --path keeps the routes whose
public path starts with the given segments (/users keeps /users and /users/{id}, not /users-admin);
a pattern with * is a glob over the whole path template instead, * within one segment and ** across
segments.`);
  static override examples = [
    '<%= config.bin %> routes',
    '<%= config.bin %> routes --json',
    '<%= config.bin %> routes --service orders',
    '<%= config.bin %> routes --path /users',
    '<%= config.bin %> routes --service orders --path "/orders/*/items"',
    '<%= config.bin %> routes --config services/gw.yaml',
  ];
  static override flags = {
    service: Flags.string({ char: 's', summary: 'Only the routes of this service (repeatable).', multiple: true }),
    path: Flags.string({
      char: 'p',
      summary: 'Only routes under this path prefix, or matching this glob (* one segment, ** any).',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parseGlobal(Routes);
    const { loadGateway } = await import('../cli/load-gateway.js');
    const { project, gateway, diagnostics } = await loadGateway(flags.config);
    const known = (project.config.services ?? []).map((s) => s.name);
    const routes = filterRoutes(gateway.routes, { services: flags.service, path: flags.path }, known);
    if (this.jsonMode) {
      process.stdout.write(
        `${JSON.stringify(
          routes.map((r) => routeSummary(r, gateway)),
          null,
          2,
        )}\n`,
      );
    } else {
      const rows = routes.map((r) => {
        const s = routeSummary(r, gateway);
        const more = s.upstream.targets.length > 1 ? ` (+${s.upstream.targets.length - 1})` : '';
        const first = s.upstream.targets[0];
        return [
          r.method,
          r.path,
          r.service,
          r.compose ? `compose: ${r.compose.steps.map((step) => step.name).join(', ')}` : upstreamText(first, s, more),
          s.auth,
          s.rateLimit,
        ];
      });
      const header = ['METHOD', 'PATH', 'SERVICE', 'UPSTREAM', 'AUTH', 'RATE LIMIT'];
      process.stdout.write(`${formatTable(header, rows, { loose: [1] })}\n`);
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
    upstream: {
      id: r.upstream,
      basePath: upstream?.basePath ?? '',
      targets: upstream?.targets.map((t) => t.url) ?? [],
    },
    upstreamPath: r.upstreamPath,
    auth: describeAuth(r, g.securitySchemes),
    security: r.security,
    rateLimit: describeRateLimit(r.settings.rateLimit),
    /** A composite's steps, as `name=service.operationId` in plan order (docs/composition.md); null otherwise. */
    compose: r.compose ? r.compose.steps.map((s) => `${s.name}=${s.route}`) : null,
  };
}

function upstreamText(first: string | undefined, s: ReturnType<typeof routeSummary>, more: string): string {
  return first ? `${first}${s.upstream.basePath}${more}` : '(none)';
}
