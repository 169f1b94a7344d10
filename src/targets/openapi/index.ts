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
    const text = JSON.stringify(value, null, 2);
    const depth = typeof level === 'number' ? level : 0;
    return depth === 0 ? text : text.replace(/\n/g, `\n${'  '.repeat(depth)}`);
  },
  yaml: (key: string, value: unknown) => formatYamlEntry(key, value),
  comment: (line: string) => `# ${String(line).replace(/\n/g, ' ')}`,
};

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
