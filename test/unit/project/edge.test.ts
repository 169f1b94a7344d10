import { describe, expect, it } from 'vitest';
import { DEFAULT_EDGE, resolveEdge } from '../../../src/project/edge.js';

describe('resolveEdge: gw.yaml edge in model form', () => {
  it('takes the defaults for everything left out', () => {
    expect(resolveEdge(undefined)).toEqual(DEFAULT_EDGE);
    expect(resolveEdge({ timeouts: {} })).toEqual(DEFAULT_EDGE);
    expect(DEFAULT_EDGE).toEqual({
      underscoresInHeaders: 'drop',
      headerTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      bodyTimeoutMs: 60_000,
      sendTimeoutMs: 60_000,
      bodyBufferBytes: 1_048_576,
      bodyMemoryBytes: 134_217_728,
      bodiesPerClient: 32,
      maxConnections: 10_000,
    });
  });
  it('converts durations to milliseconds and sizes to bytes', () => {
    const edge = resolveEdge({
      underscoresInHeaders: 'allow',
      timeouts: { header: '2s', request: 90_000, body: '1.5s', send: '1m' },
      requestBodies: { buffer: '64kb', memory: '1gb', perClient: 3 },
      maxConnections: 500,
    });
    expect(edge).toEqual({
      underscoresInHeaders: 'allow',
      headerTimeoutMs: 2_000,
      requestTimeoutMs: 90_000,
      bodyTimeoutMs: 1_500,
      sendTimeoutMs: 60_000,
      bodyBufferBytes: 65_536,
      bodyMemoryBytes: 1_073_741_824,
      bodiesPerClient: 3,
      maxConnections: 500,
    });
  });
  it('a fraction of a millisecond still counts as one (a timer of 0 would turn it off)', () => {
    expect(resolveEdge({ timeouts: { send: '0.1ms' } }).sendTimeoutMs).toBe(1);
  });
});
