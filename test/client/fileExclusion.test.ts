import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enabledGlobs, isExcluded } from '../../client/src/fileExclusion';

test('only the exclude entries set to true count', () => {
  assert.deepEqual(enabledGlobs({ '**/vendor': true, '**/old': false, '**/*.js': { when: '$(basename).ts' } }), [
    '**/vendor',
  ]);
  assert.deepEqual(enabledGlobs(undefined), []);
});

test('a file in an excluded folder is excluded, at any depth', () => {
  const globs = ['**/vendor', 'legacy/**', 'build/Dockerfile'];
  assert.equal(isExcluded('vendor/Dockerfile', globs), true);
  assert.equal(isExcluded('a/b/vendor/c/compose.yaml', globs), true);
  assert.equal(isExcluded('legacy/api/Dockerfile', globs), true);
  assert.equal(isExcluded('build/Dockerfile', globs), true);
  assert.equal(isExcluded('./src/Dockerfile', globs), false);
  assert.equal(isExcluded('src/Dockerfile', globs), false);
  assert.equal(isExcluded('vendors/Dockerfile', globs), false);
  assert.equal(isExcluded('src/legacy/Dockerfile', globs), false);
});

test('the folders the CLI skips are skipped whatever the settings say', () => {
  assert.equal(isExcluded('node_modules/pkg/Dockerfile', []), true);
  assert.equal(isExcluded('a/.git/Dockerfile', []), true);
  assert.equal(isExcluded('a/git/Dockerfile', []), false);
});

test('brace and dot globs as VS Code writes them', () => {
  assert.equal(isExcluded('.devcontainer/Dockerfile', ['**/.devcontainer']), true);
  assert.equal(isExcluded('x/out/Dockerfile', ['**/{out,dist}']), true);
});
