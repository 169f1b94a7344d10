/** The hash formats gw checks; every target understands {SHA}, nginx and Apache also the others. */
export type HashKind = 'sha' | 'bcrypt' | 'apr1';

export interface HtpasswdEntry {
  kind: HashKind;
  hash: string;
}

const FORMATS: [HashKind, RegExp][] = [
  ['sha', /^\{SHA\}[A-Za-z0-9+/]{27}=$/],
  ['bcrypt', /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/],
  ['apr1', /^\$apr1\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}$/],
];

/**
 * An htpasswd file: `user:hash` per line (blank lines and `#` comments skipped). Hashes gw
 * cannot check (crypt(3) DES, plain text, $5$/$6$) are problems, so the mistake shows at start-up
 * rather than as a refused login. Problems name the line and user, never the hash.
 */
export function parseHtpasswd(text: string): { users: Map<string, HtpasswdEntry>; problems: string[] } {
  const users = new Map<string, HtpasswdEntry>();
  const problems: string[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.push(`line ${i + 1} is not \`user:hash\``);
      continue;
    }
    const user = line.slice(0, colon);
    // Apache's files may carry a third field (a comment) after another colon.
    const hash = line.slice(colon + 1).split(':')[0]!;
    const kind = FORMATS.find(([, re]) => re.test(hash))?.[0];
    if (!kind) {
      problems.push(
        `line ${i + 1}: the hash of user "${user}" is in a format gw cannot check (use {SHA}, bcrypt $2y$ or ` +
          `$apr1$: htpasswd -B, -s or -m)`,
      );
      continue;
    }
    if (users.has(user)) {
      problems.push(`line ${i + 1} repeats the user "${user}"`);
      continue;
    }
    users.set(user, { kind, hash });
  }
  if (users.size === 0 && problems.length === 0) problems.push('holds no users (one `user:hash` per line)');
  return { users, problems };
}
