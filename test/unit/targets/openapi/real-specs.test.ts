import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../helpers/cli.js';

/**
 * bench/openapi-real.js as a test, when its specs are already in bench/.cache (it never fetches
 * from here: run `node bench/openapi-real.js` once): GitHub's REST API, Dialogporten's and
 * rclone's merged into one gateway, and the merged spec valid for swagger-parser.
 */
const cached = ['octokit/node_modules/@octokit/openapi', 'real/node_modules/@digdir/dialogporten-schema', 'real/node_modules/rclone-openapi'].every((p) =>
  existsSync(join(ROOT, 'bench', '.cache', p, 'package.json')),
);

describe.skipIf(!cached)('the openapi target on real specs (bench/openapi-real.js)', () => {
  it('GitHub + Dialogporten + rclone merge into a valid OpenAPI 3.1 document', { timeout: 120_000 }, async () => {
    const script = '../../../../bench/openapi-real.js'; // plain JS without types: imported through a variable
    const { runRealMerge } = (await import(script)) as { runRealMerge: (o: object) => Promise<Record<string, any>> };
    const f = await runRealMerge({ dist: 'src', log: () => {} });
    expect(f.validationError).toBeUndefined();
    expect(f.valid).toBe(true);
    expect(f.output.openapi).toBe('3.1.0'); // rclone's spec is 3.1
    expect(f.output.routes).toBeGreaterThan(1300);
  });
});
