import { describe, expect, it } from 'vitest';
import { hashSizes } from '../../../../src/targets/nginx/hash-sizes.js';

describe('hashSizes: nginx hash tables that fit what gw.conf defines', () => {
  it("keeps nginx's defaults for short names", () => {
    expect(hashSizes('map $uri $gw_x {\n    /a 1;\n    default 0;\n}\n')).toEqual({
      variables: { maxSize: 1024, bucketSize: 64 },
      maps: { maxSize: 2048, bucketSize: 64 },
    });
  });

  it('a bucket for the longest variable name: 8 + name rounded up to 8 + 8, in cache lines', () => {
    const name = `gw_methods_${'x'.repeat(39)}`; // 50 characters: 8 + 56 + 8 = 72 bytes -> 128
    expect(hashSizes(`set $${name} 1;`).variables.bucketSize).toBe(128);
    expect(hashSizes(`set $${'y'.repeat(45)} 1;`).variables.bucketSize).toBe(64);
  });

  it('map buckets from literal keys only (regex keys are not hashed), table size from the largest map', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `    "/k${i}" ${i};`).join('\n');
    const conf = `map $uri $a {\n${keys}\n    "~${'r'.repeat(200)}" 1;\n    default 0;\n}\n`;
    expect(hashSizes(conf).maps).toEqual({ maxSize: 4096, bucketSize: 64 });
    const long = `map $host $b {\n    hostnames;\n    ${'h'.repeat(70)}.example 1;\n}\n`;
    expect(hashSizes(long).maps.bucketSize).toBe(128);
  });

  it('a key map (`include keys/...`, written after gw.conf) gets room for 10,000 digests a scheme', () => {
    const conf = 'map $gw_key_hash_0 $gw_key_consumer_0 {\n    include keys/s.a.map;\n    default "";\n}\n';
    expect(hashSizes(conf).maps).toEqual({ maxSize: 16384, bucketSize: 256 });
    expect(hashSizes(conf.replace('include', '"include"')).maps).toEqual({ maxSize: 2048, bucketSize: 64 });
  });
});
