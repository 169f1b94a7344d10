#!/usr/bin/env node
import { execute, settings } from '@oclif/core';

// Always run the compiled commands, even when NODE_ENV is "test" or "development" (bin/dev.js runs src/).
settings.enableAutoTranspile = false;
await execute({ dir: import.meta.url });
