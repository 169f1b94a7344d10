import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

/** Writes files (objects become YAML, or JSON for .json names) under a folder. */
export async function writeFiles(dir: string, files: Record<string, string | object>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const file = join(dir, name);
    await mkdir(dirname(file), { recursive: true });
    const text =
      typeof content === 'string'
        ? content
        : name.endsWith('.json')
          ? JSON.stringify(content, null, 2)
          : stringify(content);
    await writeFile(file, text);
  }
}

/** A minimal valid OpenAPI 3.0 document with the given paths (each operation gets a 200 response). */
export function oas30(title: string, paths: Record<string, Record<string, object>>, extra: object = {}): object {
  const withResponses = Object.fromEntries(
    Object.entries(paths).map(([p, ops]) => [
      p,
      Object.fromEntries(
        Object.entries(ops).map(([m, op]) => [
          m,
          m === 'parameters' ? op : { responses: { '200': { description: 'ok' } }, ...op },
        ]),
      ),
    ]),
  );
  return {
    openapi: '3.0.3',
    info: { title, version: '1.0.0' },
    servers: [{ url: `http://${title.toLowerCase().replace(/\W+/g, '-')}.internal:8080` }],
    paths: withResponses,
    ...extra,
  };
}
