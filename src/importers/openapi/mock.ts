import type { MockResponse } from '../../model/types.js';
import { sampleFromSchema } from './sample.js';

type Raw = Record<string, unknown>;

/**
 * The documented responses of one operation, for a mocked service: status (`2XX` -> 200,
 * `default` -> 200 when it is the only one), the JSON media type when there is one, and the
 * example (the media type's, the first of `examples`, or one generated from the schema).
 * Successful responses come first, in status order, so the first one is the default answer.
 */
export function mockResponses(operation: Raw, swagger2: boolean, produces: string[]): MockResponse[] {
  const responses = (operation.responses ?? {}) as Record<string, Raw>;
  const out: MockResponse[] = [];
  for (const [code, response] of Object.entries(responses)) {
    const status = code === 'default' ? 200 : /^[1-5]XX$/i.test(code) ? Number(code[0]) * 100 : Number(code);
    if (!Number.isInteger(status) || status < 100 || status > 599) continue;
    if (code === 'default' && Object.keys(responses).length > 1) continue;
    out.push({ status, ...(swagger2 ? fromSwagger2(response, produces) : fromOpenApi3(response)) });
  }
  return out.sort((a, b) => rank(a.status) - rank(b.status) || a.status - b.status);
}

function rank(status: number): number {
  return status >= 200 && status < 300 ? 0 : 1;
}

function fromOpenApi3(response: Raw): Omit<MockResponse, 'status'> {
  const content = (response.content ?? {}) as Record<string, Raw>;
  const types = Object.keys(content);
  const type = types.find((t) => /json/i.test(t)) ?? types[0];
  if (!type) return { contentType: null, body: null, generated: false };
  const media = content[type]!;
  if (media.example !== undefined) return { contentType: type, body: media.example, generated: false };
  const first = Object.values((media.examples ?? {}) as Record<string, Raw>)[0];
  if (first && first.value !== undefined) return { contentType: type, body: first.value, generated: false };
  return { contentType: type, body: sampleFromSchema(media.schema), generated: true };
}

function fromSwagger2(response: Raw, produces: string[]): Omit<MockResponse, 'status'> {
  const examples = (response.examples ?? {}) as Record<string, unknown>;
  const exampleType = Object.keys(examples).find((t) => /json/i.test(t)) ?? Object.keys(examples)[0];
  if (exampleType) return { contentType: exampleType, body: examples[exampleType], generated: false };
  if (!response.schema) return { contentType: null, body: null, generated: false };
  const type = produces.find((t) => /json/i.test(t)) ?? produces[0] ?? 'application/json';
  return { contentType: type, body: sampleFromSchema(response.schema), generated: true };
}
