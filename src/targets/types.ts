import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Gateway } from '../model/types.js';

/**
 * A target turns the model into files: `render(model, options) -> RenderedFile[]`.
 * Targets never write: the `gw build` command writes, atomically, and `--check` compares.
 */
export type TargetName = 'nginx' | 'envoy' | 'node' | 'openapi';

export const TARGET_NAMES: readonly TargetName[] = ['nginx', 'envoy', 'node', 'openapi'];

export interface RenderedFile {
  /** Relative to the output folder, '/'-separated, starting with the target's folder: `nginx/nginx.conf`. */
  path: string;
  /** The text. A file with `pieces` joins them each time this is read: read it only where the whole text is needed. */
  contents: string;
  /**
   * The text as pieces, made anew on each call (deferred-text.ts): the build writes and compares a file that has them
   * piece by piece, so a text of hundreds of MB never sits in memory whole.
   */
  pieces?: () => Iterable<string>;
  /** Unix file mode for files that must be executable; 0o644 when absent. */
  mode?: number;
  /**
   * Set for a file gw ships and copies verbatim (the node target's runtime bundle): golden tests pin its presence, not
   * its bytes.
   */
  copiedFrom?: string;
}

/** gw.yaml `build.nginx` (docs/targets/nginx.md): where the machine that runs nginx keeps things. */
export interface NginxBuildOptions {
  resolver?: string[];
  accessLog?: string;
  /** The CA bundle upstream certificates are verified against (proxy_ssl_trusted_certificate). */
  trustedCertificate?: string;
  /** The `user` directive's arguments: the account nginx's workers run as. */
  user?: string;
}

export interface RenderOptions {
  /** A folder of user templates: `<dir>/<target>/<file>.hbs` replaces the bundled template or partial of that name. */
  templatesDir?: string;
  /** gw.yaml `build.nginx`: options only the NGINX target reads. */
  nginx?: NginxBuildOptions;
  /** gw.yaml `build.envoy`: options only the Envoy target reads (the heap size in bytes). */
  envoy?: EnvoyOptions;
  /** gw.yaml `build.openapi`: the public URLs for the merged spec's servers. */
  openapi?: { servers?: { url: string; description?: string }[] };
  /**
   * gw.yaml's folder as seen from the output folder (`..` for the default `dist`), '/'-separated: the files gw.yaml
   * names relative to itself (listen.tls certificates) are printed through it where the data plane reads paths
   * relative to its own configuration (nginx). Absent: printed as written.
   */
  projectDir?: string;
  /** The Node target's: bytes of model JSON above which server.mjs embeds it packed (tests set it low). */
  node?: { packAbove?: number };
}

export interface EnvoyOptions {
  maxHeapBytes?: number;
  sharedRateLimits?: boolean;
}

export interface RenderResult {
  files: RenderedFile[];
  /** Warnings (what the target cannot express exactly, naming the route) and errors (a check of the output failed). */
  diagnostics: Diagnostic[];
}

export interface Target {
  name: TargetName;
  /** One line for `gw build --help` and the summary. */
  description: string;
  render(gateway: Gateway, options: RenderOptions): Promise<RenderResult>;
  /**
   * Optional: loads ahead what render needs whatever the model (descriptors, parsers, engines),
   * so a thread with time to spare (gw build's helper) can do it while the specs load.
   */
  prepare?(): void;
}
