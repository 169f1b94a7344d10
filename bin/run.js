#!/usr/bin/env node
// oclif checks at start-up that Node meets @oclif/core's own "engines" (>=18), loading semver for it
// (~15 ms of every command). gw's package.json asks for more (>=20.19), so that check can never fail
// where gw runs; a user's own setting of the variable wins.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
const { execute, settings } = await import('@oclif/core');

// Always run the compiled commands, even when NODE_ENV is "test" or "development" (bin/dev.js runs src/).
settings.enableAutoTranspile = false;
await execute({ dir: import.meta.url });
