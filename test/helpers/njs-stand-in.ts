import { createHash, createHmac, type Hash, type Hmac, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';

/**
 * Runs an njs module (the NGINX target's gw-auth.js, with the gw-auth-config.js it imports) in
 * Node's `vm`, against a stand-in for what njs 0.7.9 gives it (nginx.org/en/docs/njs/reference.html):
 * `require('fs')` with readFileSync, `require('crypto')` with createHash/createHmac (md5, sha1,
 * sha256), the WebCrypto `crypto` (getRandomValues; subtle.importKey in the raw, pkcs8 and spki
 * formats only: jwk came with njs 0.7.10; subtle.verify), Buffer, `process.env`, `ngx.log` and
 * `ngx.conf_prefix`, and Date.now from a clock the test sets. Anything else the module asks for
 * throws, as it would in nginx. Top-level functions are reachable as `fn(name)`.
 */
export interface NjsModule {
  /** `export default` of the module. */
  exports: Record<string, (r: NjsRequest) => unknown>;
  /** A top-level function of the module (its internals: checkKey, apr1, ...). */
  fn(name: string): (...args: unknown[]) => unknown;
  /** A top-level variable of the module (CONFIG, ...). */
  global(name: string): unknown;
  /** What the module wrote with ngx.log. */
  logs: string[];
}

export interface NjsOptions {
  env: Record<string, string>;
  /** ngx.conf_prefix, with a trailing slash. */
  confPrefix?: string;
  /** Date.now() in the module, in milliseconds. */
  now?: () => number;
}

/** The stand-in `r` an njs handler gets: the fields gw-auth.js reads, and what it answered. */
export interface NjsRequest {
  rawHeadersIn: [string, string][];
  variables: Record<string, string | undefined>;
  return(status: number): void;
  /** The status passed to return(), once it was called. */
  status?: number;
}

/**
 * nginx `map`s over request variables: the variable a map sets, the one it reads, and its string
 * keys (nginx compares them without case) with their values; `default ""`.
 */
export type NginxMaps = Record<string, { source: string; entries: Map<string, string> }>;

/** A request whose variables hold `variables`; the variables `maps` set are looked up when read, as nginx does. */
export function njsRequest(
  headers: [string, string][] = [],
  variables: Record<string, string> = {},
  maps: NginxMaps = {},
): NjsRequest {
  const values: Record<string, string | undefined> = { ...variables };
  return {
    rawHeadersIn: headers,
    variables: new Proxy(values, {
      get(target, name: string) {
        const map = maps[name];
        return map ? (map.entries.get((target[map.source] ?? '').toLowerCase()) ?? '') : target[name];
      },
    }),
    return(status) {
      if (this.status !== undefined) throw new Error('r.return() called twice');
      this.status = status;
    },
  };
}

/**
 * The maps of a rendered gw.conf that take their entries from an included file (`include keys/...;`,
 * resolved against nginx's prefix, the nginx/ folder of `files`), with those entries.
 */
export function includedMaps(files: readonly { path: string; contents: string }[]): NginxMaps {
  const text = (path: string) => files.find((f) => f.path === path)?.contents;
  const maps: NginxMaps = {};
  const conf = text('nginx/conf.d/gw.conf') ?? '';
  for (const m of conf.matchAll(/^map \$(\w+) \$(\w+) \{\n\s*include (\S+);\n/gm)) {
    const included = text(`nginx/${m[3]}`);
    if (included === undefined) throw new Error(`gw.conf includes nginx/${m[3]}, which is not among the files`);
    const entries = new Map<string, string>();
    for (const line of included.matchAll(/^"([^"]*)" "([^"]*)";$/gm)) entries.set(line[1]!.toLowerCase(), line[2]!);
    maps[m[2]!] = { source: m[1]!, entries };
  }
  return maps;
}

/** Loads `program` (gw-auth.js as gw build writes it) with `config` (gw-auth-config.js) as the module it imports. */
export function loadNjsModule(program: string, config: string, options: NjsOptions): NjsModule {
  const logs: string[] = [];
  const context = createContext({
    require: (name: string) => {
      if (name === 'fs')
        return { readFileSync: (path: string, encoding: string) => readFileSync(path, encoding as 'utf8') };
      if (name === 'crypto') return NJS_CRYPTO_MODULE;
      throw new Error(`njs 0.7.9 has no module "${name}" for gw-auth.js`);
    },
    Buffer,
    crypto: NJS_WEB_CRYPTO,
    process: { env: { ...options.env } },
    ngx: {
      INFO: 4,
      WARN: 5,
      ERR: 6,
      conf_prefix: options.confPrefix ?? '/etc/nginx/',
      log: (level: number, message: string) => logs.push(`${level} ${message}`),
    },
    __gwNow: options.now ?? (() => Date.now()),
  });
  runInContext('Date.now = function () { return __gwNow(); };', context);
  runInContext(`${moduleText(config, 'export default ', 'var __gwConfig = ')}`, context);
  const source = moduleText(program, "import CONFIG from 'gw-auth-config.js';", 'var CONFIG = __gwConfig;');
  runInContext(moduleText(source, 'export default ', 'var __gwExports = '), context, { filename: 'gw-auth.js' });
  return {
    exports: context.__gwExports,
    fn: (name) => {
      const f = context[name];
      if (typeof f !== 'function') throw new Error(`gw-auth.js has no top-level function ${name}`);
      return f;
    },
    global: (name) => context[name],
    logs,
  };
}

/** The module text with its one `from` statement (at a line start) replaced, as a script can hold it. */
function moduleText(text: string, from: string, to: string): string {
  const at = text.split('\n').filter((line) => line.startsWith(from));
  if (at.length !== 1) throw new Error(`expected one line starting with ${JSON.stringify(from)}, found ${at.length}`);
  return text.replace(new RegExp(`^${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'), to);
}

const HASHES = new Set(['md5', 'sha1', 'sha256']);
const DIGESTS = new Set([undefined, 'hex', 'base64', 'base64url']);

/** A Hash or Hmac as njs 0.7.9 has it: update(string | Buffer), digest() to a Buffer or hex/base64/base64url. */
function njsDigest(make: () => Hash | Hmac) {
  const h = make();
  const self = {
    update(data: string | Buffer) {
      h.update(data);
      return self;
    },
    digest(encoding?: string) {
      if (!DIGESTS.has(encoding)) throw new Error(`njs digest() has no encoding ${encoding}`);
      return encoding === undefined ? h.digest() : h.digest(encoding as 'hex');
    },
  };
  return self;
}

function algorithm(name: string): string {
  if (!HASHES.has(name)) throw new Error(`njs 0.7.9 crypto has no hash "${name}"`);
  return name;
}

const NJS_CRYPTO_MODULE = {
  createHash: (name: string) => njsDigest(() => createHash(algorithm(name))),
  createHmac: (name: string, key: string | Buffer) => njsDigest(() => createHmac(algorithm(name), key)),
};

const NJS_WEB_CRYPTO = {
  getRandomValues: <T extends Uint8Array>(array: T) => webcrypto.getRandomValues(array),
  subtle: {
    importKey(format: string, data: Uint8Array, algo: unknown, extractable: boolean, usages: string[]) {
      if (!['raw', 'pkcs8', 'spki'].includes(format)) throw new Error(`njs 0.7.9 cannot import a key as ${format}`);
      // biome-ignore lint/suspicious/noExplicitAny: WebCrypto's overloads, passed through as njs receives them
      return webcrypto.subtle.importKey(format as any, data, algo as any, extractable, usages as any);
    },
    verify(algo: unknown, key: webcrypto.CryptoKey, signature: Uint8Array, data: Uint8Array) {
      // biome-ignore lint/suspicious/noExplicitAny: as above
      return webcrypto.subtle.verify(algo as any, key, signature, data);
    },
  },
};
