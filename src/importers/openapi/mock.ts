import type { ApiComponent, JsonObject, MockResponse, RouteApi } from '../../model/types.js';
import { type ResolveRef, sampleFromSchema } from './sample.js';

/**
 * The documented responses of one operation, for a mocked service, read from the model (the
 * route's `api` and its service's components, so Swagger 2.0 responses are in OpenAPI 3 shape
 * and every schema is JSON Schema 2020-12): status (`2XX` -> 200, `default` -> 200 when it is the
 * only one), the JSON media type when there is one, and the example (the media type's `example`,
 * the first of its `examples`, or one sampled from its schema). Successful responses come first,
 * in status order, so the first one is the default answer.
 */
export function mockResponses(api: RouteApi, resolve: ResolveRef): MockResponse[] {
  const responses = api.responses ?? {};
  const out: MockResponse[] = [];
  for (const [code, response] of Object.entries(responses)) {
    const status = code === 'default' ? 200 : /^[1-5]XX$/i.test(code) ? Number(code[0]) * 100 : Number(code);
    if (!Number.isInteger(status) || status < 100 || status > 599) continue;
    if (code === 'default' && Object.keys(responses).length > 1) continue;
    out.push({ status, ...answerOf(follow(response, resolve), resolve) });
  }
  return out.sort((a, b) => rank(a.status) - rank(b.status) || a.status - b.status);
}

/** Looks up `#/components/<kind>/<name>` in a service's components. */
export function componentResolver(components: readonly ApiComponent[]): ResolveRef {
  const byRef = new Map(components.map((c) => [`#/components/${c.kind}/${c.name}`, c.value]));
  return (ref) => byRef.get(ref);
}

function rank(status: number): number {
  return status >= 200 && status < 300 ? 0 : 1;
}

function answerOf(response: JsonObject, resolve: ResolveRef): Omit<MockResponse, 'status'> {
  const content = (response.content ?? {}) as Record<string, JsonObject>;
  const types = Object.keys(content);
  const type = types.find((t) => /json/i.test(t)) ?? types[0];
  if (!type) return { contentType: null, body: '', generated: false };
  const media = content[type]!;
  if (media.example !== undefined) return { contentType: type, body: mockBody(type, media.example), generated: false };
  const first = follow(Object.values((media.examples ?? {}) as Record<string, unknown>)[0], resolve);
  if (first.value !== undefined) return { contentType: type, body: mockBody(type, first.value), generated: false };
  return { contentType: type, body: mockBody(type, sampleFromSchema(media.schema, resolve)), generated: true };
}

/**
 * The bytes a mock answer sends, decided once for every data plane: a string example of a media
 * type that is not JSON as it is, anything else as pretty JSON (two spaces) with a final newline.
 */
export function mockBody(contentType: string, value: unknown): string {
  if (typeof value === 'string' && !/json/i.test(contentType)) return value;
  return `${JSON.stringify(value ?? null, null, 2)}\n`;
}

/** A Reference Object's target (a response or example component), or the object itself. */
function follow(value: unknown, resolve: ResolveRef): JsonObject {
  let v = value as JsonObject | undefined;
  for (let hops = 0; typeof v?.$ref === 'string' && hops < 16; hops++) v = resolve(v.$ref) as JsonObject | undefined;
  return v ?? {};
}
