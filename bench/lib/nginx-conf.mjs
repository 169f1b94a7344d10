// A small reader of nginx configuration files, enough for bench/nginx-routes.js: parse into
// directives and blocks (quotes, escapes and comments as nginx's own ngx_conf_read_token reads
// them), print back, and replay nginx's location search for one request to count the regular
// expressions it runs (location regexes, `if` conditions, `rewrite`s, internal redirects).
// The replay follows ngx_http_core_find_location (exact and longest-prefix match in the static
// tree, `^~` to skip regexes, regexes in order, nested locations) and the rewrite module's
// `if`/`set`/`rewrite ... last|break`/`return`, which is all the gw nginx target uses.

/** Tokens of an nginx config: words (quoted or not), ';', '{', '}'. Each word keeps its raw text. */
function tokenize(text) {
  const tokens = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      i++;
    } else if (ch === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (ch === ';' || ch === '{' || ch === '}') {
      tokens.push({ punct: ch });
      i++;
    } else if (ch === '"' || ch === "'") {
      let j = i + 1;
      let value = '';
      while (j < n && text[j] !== ch) {
        if (text[j] === '\\' && j + 1 < n) {
          // nginx unescapes \" \' \\ \t \r \n inside quotes; other backslashes stay.
          const e = text[j + 1];
          value += e === ch || e === '\\' ? e : e === 't' ? '\t' : e === 'r' ? '\r' : e === 'n' ? '\n' : `\\${e}`;
          j += 2;
        } else value += text[j++];
      }
      tokens.push({ raw: text.slice(i, j + 1), value });
      i = j + 1;
    } else {
      let j = i;
      let value = '';
      while (j < n) {
        const c = text[j];
        if (c === '\\' && j + 1 < n) {
          value += text[j + 1];
          j += 2;
          continue;
        }
        if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ';') break;
        if (c === '{' && text[j - 1] !== '$') break;
        value += c;
        j++;
      }
      tokens.push({ raw: text.slice(i, j), value });
      i = j;
    }
  }
  return tokens;
}

/** Directives: { name, raw (as written), args: [{raw, value}], block: Directive[] | null }. */
export function parseNginxConf(text) {
  const tokens = tokenize(text);
  let pos = 0;
  const parseBlock = (top) => {
    const out = [];
    let words = [];
    while (pos < tokens.length) {
      const t = tokens[pos++];
      if (t.punct === ';') {
        if (words.length) out.push({ name: words[0].value, raw: words[0].raw, args: words.slice(1), block: null });
        words = [];
      } else if (t.punct === '{') {
        const d = { name: words[0]?.value ?? '', raw: words[0]?.raw ?? '', args: words.slice(1), block: null };
        d.block = parseBlock(false);
        out.push(d);
        words = [];
      } else if (t.punct === '}') {
        if (top) throw new Error('nginx config: unbalanced "}"');
        return out;
      } else words.push(t);
    }
    if (!top) throw new Error('nginx config: missing "}"');
    return out;
  };
  return parseBlock(true);
}

export function printNginxConf(directives, indent = '') {
  return directives
    .map((d) => {
      const head = [d.raw ?? d.name, ...d.args.map((a) => a.raw)].join(' ');
      return d.block
        ? `${indent}${head} {\n${printNginxConf(d.block, `${indent}    `)}${indent}}\n`
        : `${indent}${head};\n`;
    })
    .join('');
}

/** Makes a word directive argument from plain text (quoted when it has to be). */
export function word(value) {
  return /^[A-Za-z0-9_./:$-]+$/.test(value) ? { raw: value, value } : { raw: JSON.stringify(value), value };
}

// ---------------------------------------------------------------- the location search

/** One level of the location tree (the server, or a location with nested locations). */
function levelOf(directives, self) {
  const level = {
    self,
    exact: new Map(),
    prefixes: [],
    regexes: [],
    named: new Map(),
    directives: directives.filter((d) => d.name !== 'location'),
  };
  for (const d of directives) {
    if (d.name !== 'location') continue;
    const [a, b] = d.args.map((x) => x.value);
    const modifier = b === undefined ? '' : a;
    const value = b === undefined ? a : b;
    const child = levelOf(d.block ?? [], { match: `${modifier ? `${modifier} ` : ''}${value}`, modifier, value });
    if (value.startsWith('@')) level.named.set(value, child);
    else if (modifier === '=') level.exact.set(value, child);
    else if (modifier === '^~' || modifier === '')
      level.prefixes.push({ prefix: value, noregex: modifier === '^~', child });
    else if (modifier === '~' || modifier === '~*')
      level.regexes.push({ re: new RegExp(value, modifier === '~*' ? 'i' : ''), child });
    // Named locations (@name, first above) are reached by error_page/try_files only: kept for `error_page <status> =
    // @name`.
  }
  return level;
}

/** Every level that has regex locations: its match text and how many regex children it tries in order. */
export function regexLevels(tree) {
  const out = new Map();
  const walk = (level) => {
    if (level.regexes.length) out.set(level.self.match, level.regexes.length);
    for (const c of level.exact.values()) walk(c);
    for (const p of level.prefixes) walk(p.child);
    for (const r of level.regexes) walk(r.child);
  };
  walk(tree);
  return out;
}

/** The location tree of the first server block in `directives` (which may be a whole http-level file). */
export function serverTree(directives) {
  const server = directives.find((d) => d.name === 'server');
  if (!server) throw new Error('no server block');
  return levelOf(server.block, { match: '(server)' });
}

/** ngx_http_core_find_location: { level (the chosen location), rc }, counting regex tests in `stats`. */
function findLocation(level, uri, stats) {
  const exact = level.exact.get(uri);
  if (exact) return { found: exact, ok: true };
  let current = null;
  let noregex = false;
  let best = null;
  for (const p of level.prefixes)
    if (uri.startsWith(p.prefix) && (!best || p.prefix.length > best.prefix.length)) best = p;
  if (best) {
    current = best.child;
    noregex = best.noregex;
    const nested = findLocation(best.child, uri, stats);
    if (nested.ok) return nested;
    if (nested.found) current = nested.found;
  }
  if (!noregex && level.regexes.length) {
    const at = level.self.match;
    stats.byLevel.set(at, (stats.byLevel.get(at) ?? 0) + 0);
    for (const r of level.regexes) {
      stats.locationRegexes++;
      stats.byLevel.set(at, stats.byLevel.get(at) + 1);
      if (r.re.test(uri)) {
        const nested = findLocation(r.child, uri, stats);
        return { found: nested.found ?? r.child, ok: true };
      }
    }
  }
  return { found: current, ok: false };
}

const expand = (text, vars, captures) =>
  text.replace(/\$(\d|[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})/g, (_match, name) =>
    /^\d$/.test(name) ? (captures?.[Number(name)] ?? '') : (vars[name.replace(/[{}]/g, '')] ?? ''),
  );

/**
 * Replays one request through the server tree: the location search, then the rewrite-phase
 * directives of the chosen location (`if`, `set`, `rewrite`, `return`), following `rewrite ...
 * last` redirects. Returns the counts, the location that answered, and what it does
 * (`proxy_pass` with the URI sent upstream and `final`, the level of the location the search
 * ended in, which may have jumped to a shared named location to proxy,
 * or `return` with its status).
 */
export function replayRequest(tree, method, uri) {
  const stats = {
    locationRegexes: 0,
    ifRegexes: 0,
    rewriteRegexes: 0,
    redirects: 0,
    locations: [],
    byLevel: new Map(),
  };
  const vars = { request_method: method, uri };
  // The server-level rewrite phase runs once, before the first search (`rewrite ... last` restarts at the search).
  const server = runRewrites(tree.directives, vars, stats);
  if (server.returned !== undefined) return { ...stats, outcome: `return ${server.returned}` };
  for (let hop = 0; hop < 11; hop++) {
    const { found } = findLocation(tree, vars.uri, stats);
    if (!found) return { ...stats, outcome: 'no location' };
    stats.locations.push(found.self.match);
    const step = runRewrites(found.directives, vars, stats);
    if (step.redirect !== undefined) {
      stats.redirects++;
      vars.uri = step.redirect;
      continue;
    }
    let proxying = found;
    if (step.returned !== undefined) {
      // `error_page <status> = @name` at server level: the request goes on in that named location (gw's shared
      // forwarding).
      const page = tree.directives.find(
        (d) => d.name === 'error_page' && d.args[0]?.value === step.returned && d.args.at(-1)?.value.startsWith('@'),
      );
      const named = page && tree.named.get(page.args.at(-1).value);
      if (!named) return { ...stats, outcome: `return ${step.returned}` };
      stats.locations.push(named.self.match);
      const jump = runRewrites(named.directives, vars, stats);
      if (jump.redirect !== undefined || jump.returned !== undefined)
        return { ...stats, outcome: 'error_page jump that does not proxy' };
      proxying = named;
    }
    const pass = proxying.directives.find((d) => d.name === 'proxy_pass');
    if (pass) return { ...stats, outcome: 'proxy_pass', upstreamUri: vars.uri, final: found };
    return { ...stats, outcome: 'no handler' };
  }
  return { ...stats, outcome: 'too many redirects' };
}

function runRewrites(directives, vars, stats) {
  for (const d of directives) {
    if (d.name === 'set') vars[d.args[0].value.slice(1)] = expand(d.args[1].value, vars);
    else if (d.name === 'return') return { returned: d.args[0].value };
    else if (d.name === 'rewrite') {
      stats.rewriteRegexes++;
      const m = pcreRegex(d.args[0].value).exec(vars.uri);
      if (!m) continue;
      const flag = d.args[2]?.value;
      vars.uri = expand(d.args[1].value, vars, m).replace(/\?.*$/, '');
      if (flag === 'last') return { redirect: vars.uri };
      if (flag === 'break') return {};
    } else if (d.name === 'if') {
      if (ifHolds(d.args.map((a) => a.value).join(' '), vars, stats)) {
        const step = runRewrites(d.block ?? [], vars, stats);
        if (step.redirect !== undefined || step.returned !== undefined) return step;
      }
    }
  }
  return {};
}

/** A PCRE regex of the config in ECMAScript: possessive quantifiers (`++`, `*+`, `?+`) change speed, not matches. */
function pcreRegex(source, flags = '') {
  return new RegExp(source.replace(/(?<!\\)([+*?])\+/g, '$1'), flags);
}

/** `($var ~ re)`, `($var !~ re)`, `($var ~* re)`, `($var = text)`, `($var)`. */
function ifHolds(condition, vars, stats) {
  const inner = condition.replace(/^\(\s*/, '').replace(/\s*\)$/, '');
  const m = /^(\$[A-Za-z_][A-Za-z0-9_]*)\s*(!?~\*?|!?=)?\s*(.*)$/.exec(inner);
  if (!m) return false;
  const value = expand(m[1], vars);
  const [, , op, arg] = m;
  if (!op) return value !== '' && value !== '0';
  if (op.includes('~')) {
    stats.ifRegexes++;
    const hit = pcreRegex(arg.replace(/^"(.*)"$/, '$1'), op.includes('*') ? 'i' : '').test(value);
    return op.startsWith('!') ? !hit : hit;
  }
  return op.startsWith('!') ? value !== arg : value === arg;
}
