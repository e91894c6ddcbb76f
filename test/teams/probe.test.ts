import { it } from 'vitest';
it('probe', () => {
  console.log('require', typeof require, 'module', typeof module, '__filename', typeof __filename, typeof require !== 'undefined' ? require.main === module : 'n/a');
  console.log(typeof require !== 'undefined' ? require.resolve('@microsoft/app-manifest/package.json') : '');
});
