// Property: for generated Dockerfiles with global ARGs (chains, several pairs per line, overrides,
// ARGs without a value), the image image-trust resolves is what BuildKit's expansion order gives
// (https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact and
// #environment-replacement), computed here by a straightforward model of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { extractDockerfileImages } from '../../server/src/core/dockerfile';

const NAMES = ['A', 'B', 'C', 'REG', 'TAG'];
const LITERALS = ['nginx', ':', '1.27', 'docker.io/', 'library/', '-slim', 'alpine', '3.20'];

type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'var'; name: string; form: 'plain' | 'braced' | ':-' | '-' | ':+' | '+'; word: string };

const segment: fc.Arbitrary<Segment> = fc.oneof(
  fc.record({ kind: fc.constant('literal' as const), text: fc.constantFrom(...LITERALS) }),
  fc.record({
    kind: fc.constant('var' as const),
    name: fc.constantFrom(...NAMES),
    form: fc.constantFrom(
      'plain' as const,
      'braced' as const,
      ':-' as const,
      '-' as const,
      ':+' as const,
      '+' as const,
    ),
    word: fc.constantFrom(...LITERALS),
  }),
);
const word = fc.array(segment, { minLength: 1, maxLength: 4 });

function write(segments: Segment[]): string {
  let out = '';
  segments.forEach((s, i) => {
    if (s.kind === 'literal') out += s.text;
    else if (s.form === 'plain') {
      // `$A` followed by a letter would read a longer name; brace it then, as a writer would.
      const next = segments[i + 1];
      const glued = next && next.kind === 'literal' && /^[A-Za-z0-9_]/.test(next.text);
      out += glued ? `\${${s.name}}` : `$${s.name}`;
    } else if (s.form === 'braced') out += `\${${s.name}}`;
    else out += `\${${s.name}${s.form}${s.word}}`;
  });
  return out;
}

/** What a model ARG holds: unset, a value, or a value that --build-arg may change. */
type ModelValue = { state: 'unset-declared' } | { state: 'set'; value: string; tainted: boolean };

/** BuildKit's order: each pair in turn, its default expanded with the ARGs before it. */
function model(segments: Segment[], env: Map<string, ModelValue>): { value: string; tainted: boolean } {
  let value = '';
  let tainted = false;
  for (const s of segments) {
    if (s.kind === 'literal') {
      value += s.text;
      continue;
    }
    const v = env.get(s.name);
    const isSet = v?.state === 'set';
    const current = isSet ? v.value : '';
    if (isSet && v.tainted) tainted = true;
    switch (s.form) {
      case 'plain':
      case 'braced':
        // A declared ARG without a value is empty in BuildKit, but --build-arg gives its value.
        if (v?.state === 'unset-declared') tainted = true;
        value += current;
        break;
      case ':-':
        value += isSet && current !== '' ? current : s.word;
        break;
      case '-':
        value += isSet ? current : s.word;
        break;
      case ':+':
        value += isSet && current !== '' ? s.word : '';
        break;
      case '+':
        value += isSet ? s.word : '';
        break;
    }
  }
  return { value, tainted };
}

const argLine = fc.array(fc.record({ name: fc.constantFrom(...NAMES), value: fc.option(word, { nil: undefined }) }), {
  minLength: 1,
  maxLength: 3,
});

test('global ARG expansion matches the model of BuildKit', () => {
  fc.assert(
    fc.property(fc.array(argLine, { minLength: 0, maxLength: 6 }), word, (lines, from) => {
      const env = new Map<string, ModelValue>();
      const text: string[] = [];
      for (const pairs of lines) {
        text.push(`ARG ${pairs.map((p) => (p.value ? `${p.name}=${write(p.value)}` : p.name)).join(' ')}`);
        for (const p of pairs) {
          if (!p.value) {
            if (!env.has(p.name)) env.set(p.name, { state: 'unset-declared' });
            continue;
          }
          const r = model(p.value, env);
          env.set(p.name, { state: 'set', value: r.value, tainted: r.tainted });
        }
      }
      text.push(`FROM ${write(from)}`, '');
      const expected = model(from, env);
      const { occurrences } = extractDockerfileImages(text.join('\n'));
      const occurrence = occurrences[0];
      assert.ok(occurrence, text.join('\n'));
      if (expected.tainted) assert.equal(occurrence.resolved, undefined, text.join('\n'));
      else if (expected.value === '') assert.ok(occurrence.expansionError, text.join('\n'));
      else assert.equal(occurrence.resolved, expected.value, text.join('\n'));
    }),
    { numRuns: 200 },
  );
});
