import type { Target } from './types.js';

/**
 * An http(s) URL as a model `Target` (weight 1): the rule the importer applies to server URLs and
 * gw.yaml upstreams, and the node target's runtime to its `GW_UPSTREAM_*` overrides, so an
 * override is the target the model would hold. `authority` is the `Host` every data plane sends
 * it: host and port, the port left out when it is the scheme's default (RFC 9110 7.2).
 */
export function targetOf(url: URL): Target {
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const port = url.port ? Number(url.port) : scheme === 'https' ? 443 : 80;
  // WHATWG URL: `host` leaves the default port out, and holds IPv6 addresses in brackets.
  const authority = url.host.toLowerCase();
  return {
    url: `${scheme}://${authority}${url.port ? '' : `:${port}`}`,
    scheme,
    host: url.hostname.toLowerCase(),
    port,
    authority,
    weight: 1,
  };
}
