const FILLER = new Set([
  'api',
  'apis',
  'openapi',
  'swagger',
  'spec',
  'specification',
  'service',
  'services',
  'rest',
  'http',
  'official',
  'the',
  'a',
  'an',
  'for',
  'of',
  'and',
  'server',
]);

/**
 * A service name from a spec title: the part before any " - ", ":", "+", "(" or "|", in
 * lower-case words joined by dashes, without filler such as "API", "Service" or "official",
 * at most three words ("Orders Service" -> "orders", "GitHub's official OpenAPI spec + Octokit
 * extension" -> "github", "Swagger Petstore - OpenAPI 3.0" -> "petstore"). '' when nothing is left.
 */
export function deriveServiceName(title: string): string {
  const head = title.split(/\s[-–—|]\s|[:+(|]/)[0] ?? title;
  const words = head
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !FILLER.has(w) && !/^v?\d+$/.test(w));
  const name = words
    .slice(0, 3)
    .join('-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (/^[a-z][a-z0-9-]*$/.test(name)) return name;
  return /\bapi\b/i.test(head) ? 'api' : '';
}

export function routeId(service: string, operationId: string | null, method: string, path: string): string {
  return operationId ? `${service}.${operationId}` : `${service}.${method.toLowerCase()}:${path}`;
}
