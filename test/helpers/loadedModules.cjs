// Preloaded (`node -r test/helpers/loadedModules.cjs …`) by startupFootprint.test.ts: when the
// process exits, writes the files it has loaded through require to LOADED_MODULES_FILE.
'use strict';
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  if (process.env.LOADED_MODULES_FILE) writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify(Object.keys(require.cache)));
});
