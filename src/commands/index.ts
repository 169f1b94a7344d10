import Build from './build.js';
import Import from './import.js';
import Init from './init.js';
import Keys from './keys.js';
import Model from './model.js';
import Routes from './routes.js';
import Serve from './serve.js';
import Validate from './validate.js';

/** Every command, for oclif's explicit command discovery (package.json oclif.commands). */
export const COMMANDS = {
  init: Init,
  import: Import,
  validate: Validate,
  routes: Routes,
  model: Model,
  serve: Serve,
  build: Build,
  keys: Keys,
};
