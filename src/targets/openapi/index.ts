import { DeferredText } from '../deferred-text.js';
import { loadTemplates, type Helpers } from '../templates.js';
import type { Target } from '../types.js';
import { jsonPieces, jsonText } from './json.js';
import { buildOpenApiView } from './view.js';
import { formatYamlEntry, yamlEntryPieces } from './yaml.js';

/** How many levels of a section are printed as pieces of their own (a path item, a component of a kind). */
const PIECE_LEVELS = 2;

/**
 * Template helpers: the view holds plain JSON, and these print it. `json value level` prints
 * JSON indented by two spaces per level after the first line (so a section fits in place);
 * `yaml key value` prints one top-level `key:` block; `comment line` a YAML comment line.
 * With `deferred`, sections are printed later, in pieces, as the file is written (deferred-text.ts).
 */
export function openapiHelpers(deferred?: DeferredText): Helpers {
  return {
    json: (value: unknown, level: unknown) => {
      const depth = typeof level === 'number' ? level : 0;
      if (!deferred || value === null || typeof value !== 'object') return jsonText(value, depth);
      return deferred.defer(() => jsonPieces(value, depth, PIECE_LEVELS));
    },
    yaml: (key: string, value: unknown) => {
      if (!deferred || value === null || typeof value !== 'object') return formatYamlEntry(key, value);
      return deferred.defer(() => yamlEntryPieces(key, value, PIECE_LEVELS));
    },
    comment: (line: string) => `# ${String(line).replace(/\n/g, ' ')}`,
  };
}

/** The helpers printing at once (the same text). */
export const OPENAPI_HELPERS: Helpers = openapiHelpers();

/** The gateway's public OpenAPI description: openapi/openapi.json and openapi/openapi.yaml, the same document. */
export const openapiTarget: Target = {
  name: 'openapi',
  description: 'the merged public OpenAPI description of every route: openapi.json and openapi.yaml',
  async render(gateway, options) {
    const { view, diagnostics } = buildOpenApiView(gateway, { servers: options.openapi?.servers });
    const deferred = new DeferredText();
    const templates = await loadTemplates('openapi', options, openapiHelpers(deferred));
    return {
      files: [
        deferred.file('openapi/openapi.json', templates.render('openapi.json', view)),
        deferred.file('openapi/openapi.yaml', templates.render('openapi.yaml', view)),
      ],
      diagnostics,
    };
  },
};
