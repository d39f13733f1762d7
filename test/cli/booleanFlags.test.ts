// Every boolean flag of the CLI: bare, `=true`, `=false`, and a value it does not take (under
// `pin`, which takes them all: `lint` refuses --dry-run and --check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../server/src/cli/args';

const FLAGS = [
  ['--offline', 'offline', true],
  ['--require-network', 'requireNetwork', true],
  ['--dry-run', 'dryRun', true],
  ['--check', 'check', true],
  ['--eol-refresh', 'eolRefresh', true],
  ['--no-eol-refresh', 'eolRefresh', false],
  ['--color', 'color', true],
  ['--no-color', 'color', false],
] as const;

test('each boolean flag sets its option, bare or with =true / =false; --no-X says no', () => {
  for (const [flag, option, says] of FLAGS) {
    for (const [written, value] of [
      [flag, says],
      [`${flag}=true`, says],
      [`${flag}=false`, !says],
    ] as const) {
      const parsed = parseArgs(['pin', '.', written]);
      assert.equal(parsed.kind, 'run', written);
      if (parsed.kind === 'run') assert.equal(parsed.options[option], value, written);
    }
    assert.deepEqual(parseArgs(['pin', '.', `${flag}=maybe`]), {
      kind: 'error',
      message: `${flag} takes no value, or =true / =false, not "maybe"`,
    });
  }
});

test('a path named like a property of plain objects is a path, not a flag', () => {
  const parsed = parseArgs(['lint', '__proto__', 'constructor']);
  assert.equal(parsed.kind, 'run');
  if (parsed.kind === 'run') assert.deepEqual(parsed.options.paths, ['__proto__', 'constructor']);
});
