#!/usr/bin/env node
// Runs the CLI straight from src/ (no build): `node bin/dev.js <command>` or `npm run dev -- <command>`.
import { register } from 'tsx/esm/api';
import { execute } from '@oclif/core';

register();
await execute({ development: true, dir: import.meta.url });
