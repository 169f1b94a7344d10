/**
 * nginx keeps variable names and map keys in hash tables whose bucket size and table size are
 * set per http block (ngx_http_core_module `variables_hash_*`, ngx_http_map_module
 * `map_hash_*`). A name longer than a bucket holds fails `nginx -t` ("could not build
 * variables_hash"), and too small a table gives "could not build optimal" warnings. gw's generated
 * names grow with the gateway (a method map per method set), so the sizes are measured on the
 * rendered gw.conf and printed at its top, before any map is built.
 */
export interface HashSizes {
  variables: { maxSize: number; bucketSize: number };
  maps: { maxSize: number; bucketSize: number };
}

/** nginx's defaults (bucket sizes: the CPU cache line on x86-64). */
const DEFAULTS = { variablesMax: 1024, mapsMax: 2048, bucket: 64 };
const CACHE_LINE = 64;
/**
 * A key map (key-maps.ts) is written after gw.conf, by `gw keys`: its sizes are fixed for its most
 * keys, MAX_KEYS_PER_SCHEME (10,000) 32-character digests, which nginx 1.22 fits without a
 * warning in 16,384 buckets of 256 bytes (five entries a bucket).
 */
const KEY_MAPS = { maxSize: 16384, bucketSize: 256 };
const KEY_MAP_INCLUDE = /^\s*include keys\//m;
/** What a map block holds besides its keys. */
const MAP_WORDS = /^(default|hostnames|volatile|include)$/;

/** Sizes that fit every variable name and map key of `conf`, never below nginx's defaults. */
export function hashSizes(conf: string): HashSizes {
  const names = new Set<string>();
  for (const m of conf.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]!);
  for (const m of conf.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)) names.add(m[1]!);
  const longestName = Math.max(0, ...[...names].map((n) => n.length));
  const { longestKey, mostKeys } = mapKeys(conf);
  const keyMaps = KEY_MAP_INCLUDE.test(conf) ? KEY_MAPS : { maxSize: 0, bucketSize: 0 };
  return {
    variables: {
      maxSize: Math.max(DEFAULTS.variablesMax, powerOfTwo(4 * names.size)),
      bucketSize: Math.max(DEFAULTS.bucket, bucketFor(longestName)),
    },
    maps: {
      maxSize: Math.max(DEFAULTS.mapsMax, powerOfTwo(4 * mostKeys), keyMaps.maxSize),
      bucketSize: Math.max(DEFAULTS.bucket, bucketFor(longestKey), keyMaps.bucketSize),
    },
  };
}

/** The directives, for the top of gw.conf. */
export function hashSizeDirectives(sizes: HashSizes): string {
  return [
    '# Hash tables for the variable names and map keys below, sized from them (nginx -t fails when a name',
    '# does not fit a bucket): ngx_http_core_module variables_hash_*, ngx_http_map_module map_hash_*.',
    `variables_hash_max_size ${sizes.variables.maxSize};`,
    `variables_hash_bucket_size ${sizes.variables.bucketSize};`,
    `map_hash_max_size ${sizes.maps.maxSize};`,
    `map_hash_bucket_size ${sizes.maps.bucketSize};`,
    '',
    '',
  ].join('\n');
}

/**
 * A bucket holds its entries and a terminating pointer; an entry is a pointer and the name (plus
 * two bytes) rounded up to a pointer (ngx_hash.h NGX_HASH_ELT_SIZE); nginx rounds buckets up to
 * the cache line.
 */
function bucketFor(length: number): number {
  const entry = 8 + Math.ceil((length + 2) / 8) * 8;
  return Math.ceil((entry + 8) / CACHE_LINE) * CACHE_LINE;
}

function powerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** The longest literal key of any `map` block (regex keys are not hashed) and the most keys of one map. */
function mapKeys(conf: string): { longestKey: number; mostKeys: number } {
  let longestKey = 0;
  let mostKeys = 0;
  for (const block of conf.matchAll(/^map [^\n]*\{\n([\s\S]*?)^\}/gm)) {
    let keys = 0;
    for (const line of block[1]!.split('\n')) {
      const key = /^\s*("(?:[^"\\]|\\.)*"|\S+)\s/.exec(line)?.[1];
      if (key === undefined || key.startsWith('#') || MAP_WORDS.test(key)) continue;
      const text = key.startsWith('"') ? key.slice(1, -1) : key;
      if (text.startsWith('~')) continue;
      keys++;
      longestKey = Math.max(longestKey, text.length);
    }
    mostKeys = Math.max(mostKeys, keys);
  }
  return { longestKey, mostKeys };
}
