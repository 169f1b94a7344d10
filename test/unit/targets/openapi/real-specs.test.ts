import { describe, expect, it } from 'vitest';

/**
 * bench/openapi-real.js as a test: GitHub's REST API, Dialogporten's and rclone's specs, fetched
 * on demand with `npm pack` (one file each, cached in bench/.cache/packs), merged into one gateway,
 * and the merged spec valid for swagger-parser.
 */
describe('the openapi target on real specs (bench/openapi-real.js)', () => {
  it('GitHub + Dialogporten + rclone merge into a valid OpenAPI 3.1 document', { timeout: 240_000 }, async () => {
    const script = '../../../../bench/openapi-real.js'; // plain JS without types: imported through a variable
    const { runRealMerge, packedSpecFiles } = (await import(script)) as {
      // biome-ignore lint/suspicious/noExplicitAny: the merged OpenAPI document, walked by hand in assertions
      runRealMerge: (o: object) => Promise<Record<string, any>>;
      packedSpecFiles: () => { name: string; file: string }[];
    };
    const f = await runRealMerge({ dist: 'src', log: () => {}, specs: packedSpecFiles() });
    expect(f.validationError).toBeUndefined();
    expect(f.valid).toBe(true);
    expect(f.output.openapi).toBe('3.1.0'); // rclone's spec is 3.1
    expect(f.output.routes).toBeGreaterThan(1300);
  });
});
