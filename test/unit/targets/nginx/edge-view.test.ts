import { describe, expect, it } from 'vitest';
import { DEFAULT_EDGE } from '../../../../src/project/edge.js';
import { buildNginxEdgeView } from '../../../../src/targets/nginx/edge-view.js';

describe("buildNginxEdgeView: the model's edge as nginx directives", () => {
  it('prints the defaults: underscores off, nginx times', () => {
    expect(buildNginxEdgeView(DEFAULT_EDGE)).toEqual({
      underscores: 'off',
      headerTimeout: '10s',
      bodyTimeout: '60s',
      sendTimeout: '60s',
      maxHeaderSize: '16k',
    });
  });
  it('allow turns underscores_in_headers on; milliseconds stay milliseconds', () => {
    const view = buildNginxEdgeView({
      ...DEFAULT_EDGE,
      underscoresInHeaders: 'allow',
      headerTimeoutMs: 2_500,
      bodyTimeoutMs: 1_000,
      sendTimeoutMs: 90_000,
      maxHeaderBytes: 20_000,
    });
    expect(view).toEqual({
      underscores: 'on',
      headerTimeout: '2500ms',
      bodyTimeout: '1s',
      sendTimeout: '90s',
      maxHeaderSize: '20000',
    });
  });
});
