/**
 * A service name from a spec title: lower-case, dashes, and without a trailing "api" or
 * "service" ("Orders Service" -> "orders", "Users API" -> "users"). '' when nothing is left.
 */
export function deriveServiceName(title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  while (words.length > 1 && ['api', 'apis', 'service', 'services', 'rest', 'http', 'openapi', 'v1', 'v2', 'v3'].includes(words[words.length - 1]!)) {
    words.pop();
  }
  const name = words.join('-').replace(/^[^a-z]+/, '').slice(0, 63).replace(/-+$/, '');
  return /^[a-z][a-z0-9-]*$/.test(name) ? name : '';
}

export function routeId(service: string, operationId: string | null, method: string, path: string): string {
  return operationId ? `${service}.${operationId}` : `${service}.${method.toLowerCase()}:${path}`;
}
