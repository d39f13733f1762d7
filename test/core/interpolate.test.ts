import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolate, parseDotEnv } from '../../server/src/core/interpolate';

const env = (vars: Record<string, string>) => (name: string) => vars[name];

test('substitutes $VAR and ${VAR}', () => {
  assert.equal(interpolate('$A:${B}', env({ A: 'nginx', B: '1.27' })).value, 'nginx:1.27');
});

test('default forms follow compose semantics', () => {
  const e = env({ EMPTY: '' });
  assert.equal(interpolate('${X:-d}', e).value, 'd');
  assert.equal(interpolate('${X-d}', e).value, 'd');
  assert.equal(interpolate('${EMPTY:-d}', e).value, 'd');
  assert.equal(interpolate('${EMPTY-d}', e).value, '');
  assert.equal(interpolate('${EMPTY:+alt}', e).value, '');
  assert.equal(interpolate('${X:+alt}', env({ X: '1' })).value, 'alt');
});

test('unresolved variables are reported, not guessed', () => {
  const r = interpolate('nginx:${TAG}', env({}));
  assert.equal(r.value, undefined);
  assert.deepEqual(r.unresolved, ['TAG']);
});

test('${VAR:?message} unset gives the message', () => {
  const r = interpolate('${IMG:?set IMG}', env({}));
  assert.equal(r.value, undefined);
  assert.equal(r.requiredMessage, 'set IMG');
});

test('$$ is a literal dollar in compose mode only', () => {
  assert.equal(interpolate('a$$b', env({}), { dollarEscape: true }).value, 'a$b');
  assert.deepEqual(interpolate('a$$b', env({ b: 'x' })).unresolved, []);
});

test('records offsets of the default word', () => {
  const r = interpolate('${BASE:-nginx:1.27}', env({}));
  assert.equal(r.uses.length, 1);
  assert.equal('${BASE:-nginx:1.27}'.slice(r.uses[0].wordStart, r.uses[0].wordEnd), 'nginx:1.27');
});

test('an unterminated ${ is kept literally', () => {
  assert.equal(interpolate('nginx:${TAG', env({})).value, 'nginx:${TAG');
});

test('parses .env files', () => {
  const m = parseDotEnv('# c\nA=1\nexport B="two words"\nC=\'lit $X\'\nD=x # comment\n\nbad line\n');
  assert.equal(m.get('A'), '1');
  assert.equal(m.get('B'), 'two words');
  assert.equal(m.get('C'), 'lit $X');
  assert.equal(m.get('D'), 'x');
  assert.equal(m.size, 4);
});
