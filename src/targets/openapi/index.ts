import { loadTemplates, type Helpers } from '../templates.js';
import type { Target } from '../types.js';
import { buildOpenApiView } from './view.js';
import { formatYamlEntry } from './yaml.js';

/**
 * Template helpers: the view holds plain JSON, and these print it. `json value level` prints
 * JSON indented by two spaces per level after the first line (so a section fits in place);
 * `yaml key value` prints one top-level `key:` block; `comment line` a YAML comment line.
 */
export const OPENAPI_HELPERS: Helpers = {
  json: (value: unknown, level: unknown) => {
    const depth = typeof level === 'number' ? level : 0;
    if (depth > 0 && value !== null && typeof value === 'object') return nestedJson(value, depth);
    const text = JSON.stringify(value, null, 2);
    return depth === 0 ? text : text.replace(/\n/g, `\n${'  '.repeat(depth)}`);
  },
  yaml: (key: string, value: unknown) => formatYamlEntry(key, value),
  comment: (line: string) => `# ${String(line).replace(/\n/g, ' ')}`,
};

/**
 * JSON.stringify(value, null, 2) with every line after the first indented by `depth` more levels,
 * as JSON.stringify itself indents a value nested `depth` arrays deep: the nesting is then cut
 * off. On GitHub's merged spec this saves a replace over 7 MB of text.
 */
export function nestedJson(value: object, depth: number): string {
  let wrapped: unknown = value;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // Before the value, per level i = 1..depth: "[\n" and 2i spaces; after it, per level: "\n", 2(i-1) spaces, "]".
  const before = 2 * depth + depth * (depth + 1);
  const after = 2 * depth + depth * (depth - 1);
  return text.slice(before, text.length - after);
}

/** The gateway's public OpenAPI description: openapi/openapi.json and openapi/openapi.yaml, the same document. */
export const openapiTarget: Target = {
  name: 'openapi',
  description: 'the merged public OpenAPI description of every route: openapi.json and openapi.yaml',
  async render(gateway, options) {
    const { view, diagnostics } = buildOpenApiView(gateway, { servers: options.openapi?.servers });
    const templates = await loadTemplates('openapi', options, OPENAPI_HELPERS);
    return {
      files: [
        { path: 'openapi/openapi.json', contents: templates.render('openapi.json', view) },
        { path: 'openapi/openapi.yaml', contents: templates.render('openapi.yaml', view) },
      ],
      diagnostics,
    };
  },
};
