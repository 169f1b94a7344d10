// The reference task: swagger-parser's validate() of one file, alone, with the very copy of
// @apidevtools/swagger-parser that gw itself loads (resolved from the project's node_modules).
// Given several files (bench/scale.js), it validates them in turn in this one process, each with
// a new SwaggerParser, and prints one JSON line: every file's time and outcome. An invalid file
// makes the exit code 1; the others are still validated.
// Usage: node bench/lib/ref-validate.cjs PROJECT_DIR SPEC_FILE [SPEC_FILE...]
'use strict';
const { createRequire } = require('node:module');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const [projectDir, ...files] = process.argv.slice(2);
const requireFromProject = createRequire(path.join(projectDir, 'package.json'));
const SwaggerParser = requireFromProject('@apidevtools/swagger-parser');
const firstLines = (err) => String(err?.message).split('\n').slice(0, 40).join('\n');

async function validateAll() {
  const results = [];
  for (const file of files) {
    const t = performance.now();
    try {
      await new SwaggerParser().validate(file);
      results.push({ file, ms: Math.round(performance.now() - t), valid: true });
    } catch (err) {
      results.push({ file, ms: Math.round(performance.now() - t), valid: false, error: firstLines(err) });
      process.exitCode = 1;
    }
  }
  process.stdout.write(`${JSON.stringify({ files: results })}\n`);
}

if (files.length > 1) validateAll();
else
  new SwaggerParser()
    .validate(files[0])
    .then((api) => {
      process.stdout.write(`valid: ${api.info?.title}\n`);
    })
    .catch((err) => {
      process.stderr.write(`invalid: ${firstLines(err)}\n`);
      process.exitCode = 1;
    });
