import { Flags } from '@oclif/core';
import { GwCommand } from '../cli/base-command.js';
import { prose } from '../cli/prose.js';
import { useColor } from '../cli/output.js';

export default class Serve extends GwCommand {
  static override summary = 'Run the gateway locally: a reverse proxy built from gw.yaml and the specs.';
  static override description =
    prose(`Routes every operation of every imported service to its upstream, with the same routing as
the generated configs: typed path parameters, 404 and 405 answers, keep-alive pools,
round-robin/weighted/least-connections balancing, health checks, retries and timeouts.
Writes an access log line per request; --admin-port exposes /metrics, /__gw/health and
/__gw/routes. --watch reloads on every edit of gw.yaml or a spec; a broken edit keeps the
last good configuration serving. SIGINT/SIGTERM drain requests in flight, then exit 0.`);
  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --port 0 --json',
    '<%= config.bin %> serve --watch --admin-port 9901 --log-format json',
  ];
  static override flags = {
    host: Flags.string({ summary: 'Address to listen on (default: listen.host in gw.yaml).' }),
    port: Flags.integer({
      summary: 'Port to listen on; 0 picks a free one (default: listen.port in gw.yaml).',
      min: 0,
      max: 65535,
    }),
    'admin-port': Flags.integer({
      summary: 'Serve /metrics, /__gw/health and /__gw/routes on this port (off unless given; 0 picks one).',
      min: 0,
      max: 65535,
    }),
    'admin-host': Flags.string({ summary: 'Address of the admin listener.', default: '127.0.0.1' }),
    'log-format': Flags.string({
      summary: 'Access log: pretty (coloured on a terminal), json (one object a line) or off.',
      options: ['pretty', 'json', 'off'],
      default: 'pretty',
    }),
    watch: Flags.boolean({ char: 'w', summary: 'Reload when gw.yaml or a spec changes.', default: false }),
    'mock-missing': Flags.boolean({
      summary: 'Answer from the spec examples for services with no upstream, or none reachable at start-up.',
      default: false,
    }),
    'client-header-timeout': Flags.integer({
      summary: 'Seconds a client has to send its request headers (default: edge.timeouts.header in gw.yaml, 10 s).',
      min: 1,
    }),
    'client-request-timeout': Flags.integer({
      summary:
        'Seconds a client has to send its whole request, body included (default: edge.timeouts.request in ' +
        'gw.yaml, 60 s).',
      min: 1,
    }),
    'upstream-connections': Flags.integer({
      summary: "Connections open to each upstream target at most (default: each service's upstreamConnections, 256).",
      min: 1,
      max: 65535,
    }),
    cache: Flags.boolean({
      summary:
        'Reuse the model of the last start when gw, gw.yaml and every spec byte are unchanged (--no-cache: ' +
        'build it from the specs, store nothing).',
      default: true,
      allowNo: true,
    }),
    'drain-timeout': Flags.integer({
      summary: 'Seconds to let requests in flight finish on shutdown.',
      default: 10,
      min: 0,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parseGlobal(Serve);
    // The runtime and its packages (prom-client, ioredis, ...) load only for this command:
    // every gw command imports every command class.
    const [{ startServeSession }, { readyLine, stoppedLine, waitForStopSignal }] = await Promise.all([
      import('../cli/serve-session.js'),
      import('../runtime/serve-lines.js'),
    ]);
    const session = await startServeSession(
      {
        config: flags.config,
        host: flags.host,
        port: flags.port,
        adminHost: flags['admin-host'],
        adminPort: flags['admin-port'],
        logFormat: flags['log-format'] as 'pretty' | 'json' | 'off',
        color: useColor(process.stdout),
        watch: flags.watch,
        drainMs: flags['drain-timeout'] * 1000,
        clientHeaderTimeoutMs: seconds(flags['client-header-timeout']),
        clientRequestTimeoutMs: seconds(flags['client-request-timeout']),
        mockMissing: flags['mock-missing'],
        upstreamConnections: flags['upstream-connections'],
        cache: flags.cache,
      },
      (text) => process.stderr.write(text),
    );
    const ready = readyLine(session.started, this.jsonMode, { cached: session.cached });
    process[ready.stream].write(ready.text);
    await waitForStopSignal(() => process.exit(1));
    const { dropped } = await session.stop();
    process.stderr.write(stoppedLine(dropped));
  }
}

function seconds(flag: number | undefined): number | undefined {
  return flag === undefined ? undefined : flag * 1000;
}
