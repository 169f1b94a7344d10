// The reference task: swagger-parser's validate() of one file, alone, with the very copy of
// @apidevtools/swagger-parser that gw itself loads (resolved from the project's node_modules).
// Usage: node bench/lib/ref-validate.cjs PROJECT_DIR SPEC_FILE
'use strict';
const { createRequire } = require('node:module');
const path = require('node:path');

const [projectDir, file] = process.argv.slice(2);
const requireFromProject = createRequire(path.join(projectDir, 'package.json'));
const SwaggerParser = requireFromProject('@apidevtools/swagger-parser');

new SwaggerParser()
  .validate(file)
  .then((api) => {
    process.stdout.write(`valid: ${api.info?.title}\n`);
  })
  .catch((err) => {
    process.stderr.write(`invalid: ${String(err?.message).split('\n').slice(0, 40).join('\n')}\n`);
    process.exitCode = 1;
  });
