// Compose interpolation against compose-go's own template tests (the reference implementation of
// the Compose specification's "Interpolation" section). Cases copied as table data from
// github.com/compose-spec/compose-go template/template_test.go (Apache-2.0), commit e70e961c.
// Where compose-go substitutes an empty string for an unset variable (with a warning), image-trust
// reports the variable as unresolved instead: the value at deploy time is not known here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolate } from '../../server/src/core/interpolate';

const defaults: Record<string, string> = { FOO: 'first', BAR: '', JSON: '{"json":2}' };
const lookup = (name: string) => defaults[name];

const CASES: Array<[template: string, expected: string | 'unresolved']> = [
  ['$${foo}', '${foo}'],
  ['foo', 'foo'],
  ['a $ string', 'a $ string'],
  ['^REGEX$', '^REGEX$'],
  ['$}', '$}'],
  ['$', '$'],
  ['$FOO-bar', 'first-bar'],
  ['This ${FOO} var', 'This first var'],
  ['This $FOO var', 'This first var'],
  ['This ${UNSET} var', 'unresolved'],
  ['${A:-${B}}', 'unresolved'],
  ['ok ${BAR:-def}', 'ok def'],
  ['ok ${FOO:-def}', 'ok first'],
  ['ok ${BAR-def}', 'ok '],
  ['ok ${UNSET_VAR:+presence_value}', 'ok '],
  ['ok ${UNSET_VAR+presence_value}', 'ok '],
  ['ok ${FOO:+presence_value}', 'ok presence_value'],
  ['ok ${FOO+presence_value}', 'ok presence_value'],
  ['ok ${BAR+presence_value}', 'ok presence_value'],
  ['ok ${BAR:+presence_value}', 'ok '],
  ['ok ${BAR:-/non:-alphanumeric}', 'ok /non:-alphanumeric'],
  ['-ok ${BAR:-defaultValue}', '-ok defaultValue'],
  ['+ok ${UNSET:-${BAR-defaultValue}}', '+ok '],
  ['-ok ${FOO:-defaultValue}', '-ok first'],
  [':-ok ${UNSET-defaultValue}', ':-ok defaultValue'],
  [':-ok ${BAR-defaultValue}', ':-ok '],
  [':?ok ${BAR-defaultValue}', ':?ok '],
  [':?ok ${BAR:-defaultValue}', ':?ok defaultValue'],
  [':+ok ${BAR:-defaultValue}', ':+ok defaultValue'],
  ['+ok ${BAR-defaultValue}', '+ok '],
  ['?ok ${BAR:-defaultValue}', '?ok defaultValue'],
  ['ok ${UNSET_VAR-$FOO}', 'ok first'],
  ['ok ${UNSET_VAR-${FOO}}', 'ok first'],
  ['ok ${UNSET_VAR-${FOO} ${FOO}}', 'ok first first'],
  ['ok ${BAR:-$FOO}', 'ok first'],
  ['ok ${BAR:-${FOO}}', 'ok first'],
  ['ok ${BAR:-${FOO} ${FOO}}', 'ok first first'],
  ['ok ${BAR+$FOO}', 'ok first'],
  ['ok ${BAR+$FOO ${FOO:+second}}', 'ok first second'],
  ['not ok ${UNSET_VAR:?Mandatory Variable Unset}', 'unresolved'],
  ['not ok ${BAR:?Mandatory Variable Empty}', 'unresolved'],
  ['not ok ${UNSET_VAR?Mandatory Variable Unset}', 'unresolved'],
  ['${JSON}', '{"json":2}'],
];

test("compose-go's interpolation cases give the same values", () => {
  const failures: string[] = [];
  for (const [template, expected] of CASES) {
    const result = interpolate(template, lookup, { dollarEscape: true });
    const got = result.value === undefined ? 'unresolved' : result.value;
    if (got !== expected)
      failures.push(`${template}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
  }
  assert.deepEqual(failures, []);
});

test('a required variable carries its message', () => {
  const result = interpolate('not ok ${BAR:?Mandatory Variable Empty}', lookup, { dollarEscape: true });
  assert.equal(result.requiredMessage, 'Mandatory Variable Empty');
});
