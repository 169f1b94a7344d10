import { describe, expect, it } from 'vitest';
import { refusedPaths } from '../../../src/model/path-forms.js';
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
      maxHeaderBytes: 16_384,
      upstreamIdleTimeoutMs: 4_000,
      paths: { refused: refusedPaths(), markers: ['%', '\\', '#', '/.'] },
      trustedProxies: null,
      serverNames: [],
      maxConnections: 10_000,
    });
    expect(DEFAULT_EDGE.paths.refused.map((r) => r.form)).toEqual([
      'dot-segment',
      'backslash',
      'escaped-slash',
      'escaped-unreserved',
      'bad-escape',
      'fragment',
    ]);
  });
  it('converts durations to milliseconds and sizes to bytes', () => {
    const edge = resolveEdge({
      underscoresInHeaders: 'allow',
      timeouts: { header: '2s', request: 90_000, body: '1.5s', send: '1m', upstreamIdle: '1s' },
      requestBodies: { buffer: '64kb', memory: '1gb', perClient: 3 },
      maxHeaderSize: '8kb',
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
      maxHeaderBytes: 8_192,
      upstreamIdleTimeoutMs: 1_000,
      paths: DEFAULT_EDGE.paths,
      trustedProxies: null,
      serverNames: [],
      maxConnections: 500,
    });
  });
  it('a fraction of a millisecond still counts as one (a timer of 0 would turn it off)', () => {
    expect(resolveEdge({ timeouts: { send: '0.1ms' } }).sendTimeoutMs).toBe(1);
  });
});

describe('resolveEdge: trusted proxies and server names (issue 12)', () => {
  it('none by default: the TCP peer is the client, any host is answered', () => {
    expect(DEFAULT_EDGE.trustedProxies).toBeNull();
    expect(DEFAULT_EDGE.serverNames).toEqual([]);
  });
  it('writes every address as a range, lower case, and keeps the hop count', () => {
    const edge = resolveEdge({ trustedProxies: { addresses: ['10.0.0.0/8', '192.0.2.7', '2001:DB8::/32'], hops: 2 } });
    expect(edge.trustedProxies).toEqual({ addresses: ['10.0.0.0/8', '192.0.2.7/32', '2001:db8::/32'], hops: 2 });
  });
  it('a hop count alone trusts any peer (addresses empty); addresses alone have no hop limit', () => {
    expect(resolveEdge({ trustedProxies: { hops: 1 } }).trustedProxies).toEqual({ addresses: [], hops: 1 });
    expect(resolveEdge({ trustedProxies: { addresses: ['::1'] } }).trustedProxies).toEqual({
      addresses: ['::1/128'],
      hops: null,
    });
  });
  it('server names lower case, sorted, each once', () => {
    const edge = resolveEdge({ serverNames: ['*.Example.com', 'api.example.com', 'API.example.com'] });
    expect(edge.serverNames).toEqual(['*.example.com', 'api.example.com']);
  });
});
