/** Whether a request's Host header names a host the gateway answers. */
export type HostCheck = (host: string) => boolean;

/**
 * The model's server names as a check (null: any host). The Host is compared without its port,
 * in lower case and without a trailing dot, as nginx compares it with server_name; `*.example.com`
 * takes any name that ends in `.example.com` (not example.com itself). No Host is no match.
 */
export function compileHostCheck(serverNames: readonly string[]): HostCheck | null {
  if (serverNames.length === 0) return null;
  const exact = new Set(serverNames.filter((n) => !n.startsWith('*.')));
  const suffixes = serverNames.filter((n) => n.startsWith('*.')).map((n) => n.slice(1));
  return (host) => {
    let name = host.toLowerCase();
    const colon = name.indexOf(':');
    if (colon !== -1) name = name.slice(0, colon);
    if (name.endsWith('.')) name = name.slice(0, -1);
    if (exact.has(name)) return true;
    for (const s of suffixes) if (name.length > s.length && name.endsWith(s)) return true;
    return false;
  };
}
