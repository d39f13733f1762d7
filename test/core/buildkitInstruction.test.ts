// FROM and COPY --from as BuildKit reads them (moby/buildkit frontend/dockerfile: parser/parser.go
// line continuations, parser/split_command.go extractBuilderFlags, instructions/bflag.go Parse,
// instructions/parse.go parseFrom and parseBuildStageName, dockerfile2llb/convert.go toCommand),
// where dockerfile-ast reads them otherwise: which image is pulled, for which platform, or that
// the build fails there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractDockerfileImages } from '../../server/src/core/dockerfile';
import { LineIndex } from '../../server/src/core/lineIndex';

interface Expected {
  /** The image the FROM or COPY pulls, as written, or none. */
  image?: string;
  platform?: string;
  /** A part of the message of the build failure reported, or none. */
  error?: string;
}

const CASES: Array<[string, Expected]> = [
  // extractBuilderFlags removes quotes inside a flag word.
  ['FROM --platform="linux/arm64" nginx:1.27', { image: 'nginx:1.27', platform: 'linux/arm64' }],
  ["FROM --platform='linux/arm64' nginx:1.27", { image: 'nginx:1.27', platform: 'linux/arm64' }],
  ['FROM --platform=linux/amd64 nginx:1.27 AS base', { image: 'nginx:1.27', platform: 'linux/amd64' }],
  // A `--` word ends the flags.
  ['FROM -- nginx:1.27', { image: 'nginx:1.27' }],
  // splitCommand trims Go's white space at both ends (a no-break space too) before splitting.
  ['FROM nginx:1.27\u00a0', { image: 'nginx:1.27' }],
  ['FROM nginx:1.27\u00a0AS base', { error: 'FROM requires either one or three arguments' }],
  // An empty --platform= is no platform.
  ['FROM --platform= nginx:1.27', { image: 'nginx:1.27' }],
  // bflag.go: a string flag needs `=value`; FROM declares only --platform; no flag twice.
  ['FROM --platform nginx:1.27', { error: 'missing a value on flag: --platform' }],
  // parseBuildStageName runs before the flags are parsed: two arguments is its error.
  ['FROM --platform linux/amd64 nginx:1.27', { error: 'FROM requires either one or three arguments' }],
  ['FROM --foo=bar nginx:1.27', { error: 'unknown flag: --foo' }],
  ['FROM --Platform=linux/amd64 nginx:1.27', { error: 'unknown flag: --Platform' }],
  ['FROM --platform=linux/amd64 --platform=linux/arm64 nginx:1.27', { error: 'duplicate flag specified: --platform' }],
  // parseBuildStageName: one argument, or three with AS; flags only at the front.
  ['FROM nginx:1.27 --platform=linux/amd64', { error: 'FROM requires either one or three arguments' }],
  ['FROM a--b --platform=x', { error: 'FROM requires either one or three arguments' }],
  ['FROM nginx:1.27 AS', { error: 'FROM requires either one or three arguments' }],
  ['FROM nginx:1.27 AS a b', { error: 'FROM requires either one or three arguments' }],
  ['FROM nginx:1.27 base', { error: 'FROM requires either one or three arguments' }],
  ['FROM nginx:1.27 AS 1abc', { error: 'invalid name for build stage: "1abc"' }],
  ['FROM nginx:1.27 AS my_stage', { image: 'nginx:1.27' }],
  ['FROM nginx:1.27 AS build!', { error: 'invalid name for build stage' }],
  ['FROM nginx:1.27 as Base-1.x', { image: 'nginx:1.27' }],
  // Continuations join the lines; comment lines inside are skipped.
  [
    'FROM \\\n  --platform=linux/amd64 \\\n# a comment\n  nginx:1.27 \\\n  AS base',
    { image: 'nginx:1.27', platform: 'linux/amd64' },
  ],
  // COPY: quotes in the flag word are removed before the --from value is read.
  ['COPY --from="nginx:1.27" /a /b', { image: 'nginx:1.27' }],
  ['ONBUILD COPY --from="nginx:1.27" /a /b', { image: 'nginx:1.27' }],
  ['COPY --chown=1 \\\n  --from=nginx:1.27 /a /b', { image: 'nginx:1.27' }],
  // Flags only at the front: `a--b` is a source, and what follows is not a flag.
  ['COPY a--b --from=nginx:1.27 /b', {}],
  ['COPY --from= /a /b', {}],
  ['COPY --from=a:1 --from=b:2 /a /b', { error: 'duplicate flag specified: --from' }],
  ['COPY --from /a /b', { error: 'missing a value on flag: --from' }],
  // toCommand: a --from that variable expansion would change fails the build.
  ['COPY --from=$IMG /a /b', { error: 'BuildKit does not expand variables in --from' }],
];

for (const [line, expected] of CASES) {
  test(`BuildKit reads ${JSON.stringify(line)} as ${JSON.stringify(expected)}`, () => {
    const text = `${line}\n`;
    const { occurrences, problems } = extractDockerfileImages(text);
    const lines = new LineIndex(text);
    assert.deepEqual(
      occurrences.map((o) => lines.textIn(o.range)),
      expected.image ? [expected.image] : [],
    );
    assert.equal(occurrences[0]?.platform, expected.platform);
    const errors = problems.filter((p) => p.code === 'invalid-reference');
    if (expected.error) {
      assert.equal(errors.length, 1, JSON.stringify(problems));
      assert.ok(errors[0].message.includes(expected.error), errors[0].message);
    } else {
      assert.deepEqual(errors, []);
    }
  });
}

test('a stage named in quotes in COPY --from is the stage, not an image', () => {
  const text = 'FROM alpine:3.20 AS build\nFROM scratch\nCOPY --from="build" /a /b\n';
  const { occurrences, problems } = extractDockerfileImages(text);
  assert.deepEqual(
    occurrences.map((o) => o.text),
    ['alpine:3.20'],
  );
  assert.deepEqual(problems, []);
});

test('a COPY --from written in quotes is pinned inside the quotes', () => {
  const text = 'COPY --from="nginx:1.27" /a /b\n';
  const [occurrence] = extractDockerfileImages(text).occurrences;
  assert.equal(occurrence.editBlockedReason, undefined);
  assert.deepEqual(occurrence.range, { start: { line: 0, character: 13 }, end: { line: 0, character: 23 } });
});

test('a FROM that fails the build names no stage for later instructions', () => {
  // BuildKit stops at the first FROM; nothing after it is built.
  const text = 'FROM nginx:1.27 AS 1abc\nFROM 1abc\n';
  const { occurrences, problems } = extractDockerfileImages(text);
  assert.equal(problems.filter((p) => p.code === 'invalid-reference').length, 1);
  assert.deepEqual(
    occurrences.map((o) => o.text),
    ['1abc'],
  );
});

test('a flag word outside ASCII keeps the dockerfile-ast reading; other text outside it does not', () => {
  // extractBuilderFlags reads bytes: not imitated, so the reading that stands is dockerfile-ast's.
  const kept = extractDockerfileImages('FROM --platform=linux/amd64é nginx:1.27\n');
  assert.deepEqual(
    kept.occurrences.map((o) => [o.text, o.platform]),
    [['nginx:1.27', 'linux/amd64é']],
  );
  // Arguments are split on ASCII white space only, so a stage name outside ASCII is read exactly.
  const rejected = extractDockerfileImages('FROM nginx:1.27 AS café\n');
  assert.deepEqual(rejected.occurrences, []);
  assert.match(rejected.problems[0].message, /invalid name for build stage: "café"/);
});
