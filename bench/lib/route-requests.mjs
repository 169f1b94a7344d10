// One concrete request per route of a gw model (`gw model --json`): every path parameter filled with
// a value its schema accepts (integer -> 42, enum -> its first value, pattern -> a candidate that
// matches, else a word), checked against the route's own regex. Each request also names the route
// that answers it under the model's precedence rule (the first route in model order with that
// method whose regex matches), and the path the upstream should receive.

const WORD = 'octocat';
const PATTERN_CANDIDATES = [
  WORD,
  'main',
  '1.0.0',
  '42',
  'a',
  'A1',
  `sha256:${'0123456789abcdef'.repeat(4)}`,
  'abc123',
  'v1',
  'en-US',
  '2024-01-01',
  '00000000-0000-0000-0000-000000000000',
];

/** A value for one parameter, and which rule gave it. */
export function sampleValue(schema = {}) {
  const fits = (v) =>
    (schema.minLength === undefined || v.length >= schema.minLength) &&
    (schema.maxLength === undefined || v.length <= schema.maxLength) &&
    (schema.minimum === undefined || Number(v) >= schema.minimum) &&
    (schema.maximum === undefined || Number(v) <= schema.maximum);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return { value: String(schema.enum[0]), kind: 'enum' };
  if (schema.type === 'integer' || schema.type === 'number') {
    const n =
      schema.minimum !== undefined && schema.minimum > 42
        ? schema.minimum
        : schema.maximum !== undefined && schema.maximum < 42
          ? schema.maximum
          : 42;
    return { value: String(n), kind: 'integer' };
  }
  if (schema.type === 'boolean') return { value: 'true', kind: 'boolean' };
  if (typeof schema.pattern === 'string') {
    let re;
    try {
      re = new RegExp(schema.pattern, 'u');
    } catch {
      re = undefined;
    }
    const hit = re && PATTERN_CANDIDATES.find((c) => re.test(c) && fits(c));
    if (hit) return { value: hit, kind: 'pattern' };
    return { value: WORD, kind: 'pattern (no candidate matched)' };
  }
  if (!fits(WORD)) return { value: 'x'.repeat(Math.max(1, schema.minLength ?? 1)), kind: 'word' };
  return { value: WORD, kind: 'word' };
}

/** Percent-encodes what a path segment cannot hold as is (RFC 3986 pchar stays: `:` `@` and sub-delims too). */
const encodeSegment = (value) =>
  encodeURIComponent(value).replace(/%(3A|40|21|24|26|27|28|29|2A|2B|2C|3B|3D)/gi, (_, hex) =>
    String.fromCharCode(parseInt(hex, 16)),
  );

function fill(template, values) {
  return template.replace(/\{([^{}]+)\}/g, (m, name) => (values.has(name) ? encodeSegment(values.get(name)) : m));
}

/**
 * The first route in model order that answers `method path`, without testing every route: a
 * route whose first segment is one literal can only match paths that begin with it (each
 * service of a large gateway has its own prefix), so only those and the routes whose first
 * segment is not a plain literal are tried.
 */
function winnerFinder(compiled) {
  const byFirst = new Map();
  const open = [];
  compiled.forEach((c, index) => {
    const parts = c.route.segments?.[0]?.parts ?? [];
    const entry = { ...c, index };
    if (parts.length === 1 && 'literal' in parts[0]) {
      const key = `${c.route.method} ${parts[0].literal}`;
      if (!byFirst.has(key)) byFirst.set(key, []);
      byFirst.get(key).push(entry);
    } else open.push(entry);
  });
  const first = (list, method, path) => list.find((c) => c.route.method === method && c.re.test(path));
  return (method, path) => {
    const segment = path.split('/')[1] ?? '';
    const a = first(byFirst.get(`${method} ${segment}`) ?? [], method, path);
    const b = first(open, method, path);
    return (a && b ? (a.index < b.index ? a : b) : (a ?? b)).route;
  };
}

/**
 * Requests for the routes of `model` (every route, or those `pick(route)` accepts), one each,
 * deduplicated by method and path.
 * Returns { requests: [{ method, path, upstreamPath, route, answeredBy }], skipped: [...], parameterValues: {kind:
 * count} }.
 */
export function requestsFromModel(model, { pick = () => true } = {}) {
  const routes = model.routes ?? [];
  const compiled = routes.map((r) => ({ route: r, re: new RegExp(r.match.regex) }));
  const winnerOf = winnerFinder(compiled);
  const parameterValues = {};
  const requests = [];
  const skipped = [];
  const seen = new Set();
  for (const { route, re } of compiled) {
    if (!pick(route)) continue;
    const values = new Map();
    for (const p of route.params) {
      const { value, kind } = sampleValue(p.schema);
      values.set(p.name, value);
      parameterValues[kind] = (parameterValues[kind] ?? 0) + 1;
    }
    const path = fill(route.path, values);
    if (!re.test(path)) {
      skipped.push({ route: route.id, path, why: "the filled path does not match the route's own regex" });
      continue;
    }
    const key = `${route.method} ${path}`;
    if (seen.has(key)) {
      skipped.push({ route: route.id, path, why: 'same method and path as an earlier route' });
      continue;
    }
    seen.add(key);
    const winner = winnerOf(route.method, path);
    // The upstream path of the route that answers, with the values taken back out of the path.
    const m = new RegExp(winner.match.regex).exec(path);
    const names = winner.segments.flatMap((s) => s.parts.filter((p) => 'param' in p).map((p) => p.param));
    const got = new Map(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    requests.push({
      method: route.method,
      path,
      upstreamPath: fill(winner.upstreamPath, got),
      route: route.id,
      answeredBy: winner.id,
    });
  }
  return { requests, skipped, parameterValues };
}
