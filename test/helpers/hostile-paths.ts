/**
 * Hostile and ambiguous forms of a route's path, for the routing replay (routing-replay.ts): each
 * takes a concrete path (`/gists/public`) and returns the form a client could send instead, or
 * undefined when the form does not apply to it. Named, so a mismatch says which form it was.
 */
type Form = (path: string) => string | undefined;

function lastSlash(path: string): number {
  return path.lastIndexOf('/');
}

/** Replaces the last `/` (not the first) with `by`. */
function atLastSlash(by: string): Form {
  return (path) => {
    const i = lastSlash(path);
    return i > 0 ? path.slice(0, i) + by + path.slice(i + 1) : undefined;
  };
}

/** The first letter of the path's first segment written as `%XX`. */
function escapedLetter(path: string): string | undefined {
  const m = /^\/([A-Za-z])/.exec(path);
  return m ? `/%${m[1]!.charCodeAt(0).toString(16).toUpperCase()}${path.slice(2)}` : undefined;
}

/** Every reserved or special character of the path's literal text written as `%XX`. */
function escapedReserved(path: string): string | undefined {
  const out = path.replace(/[:@!$&'()*+,;=]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return out === path ? undefined : out;
}

export const HOSTILE_FORMS: Record<string, Form> = {
  'double-slash': atLastSlash('//'),
  'dot-dot-after-double-slash': (p) => {
    const i = lastSlash(p);
    return i > 0 ? `${p.slice(0, i)}/x//..${p.slice(i)}` : undefined;
  },
  'dot-dot-above-root': (p) => `/..${p}`,
  'dot-segment': (p) => `/.${p}`,
  'escaped-dot-dot': (p) => `/x/%2E%2E${p}`,
  'escaped-slash': atLastSlash('%2F'),
  'escaped-backslash': atLastSlash('%5C'),
  backslash: atLastSlash('\\'),
  'bad-escape': (p) => `${p}%zz`,
  'escaped-nul': (p) => `${p}%00`,
  'escaped-letter': escapedLetter,
  'escaped-reserved-literal': escapedReserved,
  'trailing-slash': (p) => (p === '/' ? undefined : `${p}/`),
  'root-double-slash': (p) => (p === '/' ? '//' : undefined),
  'leading-double-slash': (p) => `/${p}`,
  'query-escapes': (p) => `${p}?next=%2F..%2Fx&q=a%3Ab`,
  fragment: (p) => `${p}#top`,
};

/** Forms for a parameter's value (the replay puts them where the route has a parameter). */
export const HOSTILE_VALUES: Record<string, string> = {
  'value-escaped-colon': 'a%3Ab',
  'value-escaped-plus': 'a%2Bb',
  'value-raw-brace': 'a{b}',
  'value-raw-pipe': 'a|b',
  'value-escaped-brace': 'a%7Bb',
  'value-space': 'a%20b',
  'value-utf8': 'caf%C3%A9',
  'value-escaped-percent': '100%25',
  'value-raw-colon': 'a:b',
  'value-dot-dot': '..',
};
