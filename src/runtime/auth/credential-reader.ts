import type { CredentialSlot, CredentialValue } from './types.js';

/**
 * Reads the credentials a route's schemes look at, in one pass over the raw headers: each slot
 * (a header, query parameter or cookie) gets its value, undefined when absent, null when sent
 * twice (ambiguous). Built once per route; the query and the Cookie header are only parsed when
 * a slot needs them.
 */
export class CredentialReader {
  private readonly headers = new Map<string, number>();
  private readonly lengths = new Set<number>();
  private readonly query: [string, number][] = [];
  private readonly cookies: [string, number][] = [];
  private readonly cookieHeader: number;

  constructor(readonly slots: readonly CredentialSlot[]) {
    slots.forEach((s, i) => {
      if (s.in === 'header') this.headers.set(s.name.toLowerCase(), i);
      else if (s.in === 'query') this.query.push([s.name, i]);
      else this.cookies.push([s.name, i]);
    });
    // The Cookie header's value lands after the slots, when a cookie slot needs it.
    this.cookieHeader = slots.length;
    if (this.cookies.length > 0 && !this.headers.has('cookie')) this.headers.set('cookie', this.cookieHeader);
    for (const name of this.headers.keys()) this.lengths.add(name.length);
  }

  read(raw: readonly string[], url: string, queryAt: number): CredentialValue[] {
    const values: CredentialValue[] = new Array(this.slots.length + 1);
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      if (!this.lengths.has(name.length)) continue;
      const at = this.headers.get(name.toLowerCase());
      if (at === undefined) continue;
      // Several Cookie headers are one list (RFC 6265); any other credential header twice is ambiguous.
      if (at === this.cookieHeader) values[at] = values[at] === undefined ? raw[i + 1] : `${values[at]}; ${raw[i + 1]}`;
      else values[at] = values[at] === undefined ? raw[i + 1]! : null;
    }
    if (this.query.length > 0 && queryAt !== -1) readPairs(url.slice(queryAt + 1), '&', this.query, values);
    if (this.cookies.length > 0 && typeof values[this.cookieHeader] === 'string')
      readPairs(values[this.cookieHeader] as string, ';', this.cookies, values);
    return values;
  }
}

function readPairs(
  text: string,
  separator: string,
  wanted: readonly [string, number][],
  values: CredentialValue[],
): void {
  for (const part of text.split(separator)) {
    const eq = part.indexOf('=');
    const name = decode((eq === -1 ? part : part.slice(0, eq)).trim(), separator === '&');
    const slot = wanted.find(([n]) => n === name)?.[1];
    if (slot === undefined) continue;
    let value: string | null = decode(eq === -1 ? '' : part.slice(eq + 1).trim(), separator === '&');
    // A quoted cookie value (RFC 6265 allows DQUOTEs around it).
    if (separator === ';' && value !== null && value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    values[slot] = values[slot] === undefined ? value : null;
  }
}

/**
 * Query parts are form-encoded (`+` is a space); cookie values are taken as sent. A bad escape makes the value null
 * (refused).
 */
function decode(text: string, form: boolean): string | null {
  if (!form) return text;
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
