import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractDockerfileImages } from '../../server/src/core/dockerfile';
import { LineIndex } from '../../server/src/core/lineIndex';

function refs(text: string) {
  const { occurrences, problems } = extractDockerfileImages(text);
  const lines = new LineIndex(text);
  return {
    list: occurrences.map((o) => ({ text: lines.textIn(o.range), resolved: o.resolved, source: o.source, o })),
    problems,
  };
}

test('finds FROM, COPY --from and RUN --mount from= images; skips stages and scratch', () => {
  const { list } = refs(
    'FROM golang:1.22 AS build\nFROM scratch\nCOPY --from=build /a /b\nCOPY --from=alpine:3.19 /x /y\nCOPY --from=0 /x /y\nRUN --mount=type=cache,from=busybox:1.36,target=/c echo\nFROM build\n',
  );
  assert.deepEqual(
    list.map((l) => [l.text, l.source]),
    [
      ['golang:1.22', 'from'],
      ['alpine:3.19', 'copy-from'],
      ['busybox:1.36', 'mount-from'],
    ],
  );
});

test('FROM matches only earlier stages; AS names are lower-cased', () => {
  // https://docs.docker.com/reference/dockerfile/#from: `AS name` names a stage for later FROM
  // and COPY --from; BuildKit lower-cases the name and looks FROM's base up as written.
  const { list } = refs('FROM builder\nFROM node:20 AS Builder\nFROM builder\n');
  assert.deepEqual(
    list.map((l) => l.text),
    ['builder', 'node:20'],
  );
});

test('lowercase instructions, --platform and AS', () => {
  const { list } = refs('from --platform=$BUILDPLATFORM python:3.12-slim as base\n');
  assert.equal(list[0].text, 'python:3.12-slim');
  assert.equal(list[0].o.platform, '$BUILDPLATFORM');
});

test('a FROM split over lines points at the reference on its continuation line', () => {
  const { list } = refs('FROM \\\n  --platform=linux/amd64 \\\n  nginx:1.27 \\\n  AS web\n');
  assert.equal(list.length, 1);
  assert.deepEqual(list[0].o.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 12 } });
});

test('the escape directive changes the continuation character', () => {
  const { list } = refs('# escape=`\nFROM `\n  mcr.microsoft.com/windows/servercore:ltsc2022\n');
  assert.equal(list[0].text, 'mcr.microsoft.com/windows/servercore:ltsc2022');
  assert.equal(list[0].o.range.start.line, 2);
});

test('heredoc bodies are not instructions', () => {
  const { list } = refs('FROM alpine:3.20\nRUN <<EOF\nFROM evil:latest\nEOF\nCOPY <<EOT /x\nFROM other\nEOT\n');
  assert.deepEqual(
    list.map((l) => l.text),
    ['alpine:3.20'],
  );
});

test('global ARG defaults resolve ${VAR}; the fix target is the ARG default', () => {
  const text = 'ARG BASE=nginx:1.27\nFROM ${BASE}\nFROM $BASE AS two\n';
  const { list } = refs(text);
  assert.equal(list[0].resolved, 'nginx:1.27');
  assert.equal(list[1].resolved, 'nginx:1.27');
  const lines = new LineIndex(text);
  assert.equal(lines.textIn(list[0].o.editTarget!.range), 'nginx:1.27');
  assert.equal(list[0].o.editTarget!.range.start.line, 0);
});

test('${VAR:-default} resolves to the default and is edited in place', () => {
  const text = 'ARG TAG\nFROM ${IMG:-node:20-alpine}\n';
  const { list } = refs(text);
  assert.equal(list[0].resolved, 'node:20-alpine');
  assert.equal(new LineIndex(text).textIn(list[0].o.editTarget!.range), 'node:20-alpine');
  assert.equal(list[0].o.editTarget!.range.start.line, 1);
});

test('an ARG without default gives an unresolved-variable problem, not a guess', () => {
  const { list, problems } = refs('ARG TAG\nFROM node:${TAG}\n');
  assert.equal(list[0].resolved, undefined);
  assert.deepEqual(list[0].o.unresolvedVariables, ['TAG']);
  assert.equal(problems[0].code, 'unresolved-variable');
});

test('a reference built from a variable and text cannot be pinned in place', () => {
  const { list } = refs('ARG TAG=20\nFROM node:${TAG}-alpine\n');
  assert.equal(list[0].resolved, 'node:20-alpine');
  assert.match(list[0].o.editBlockedReason!, /built from variables/);
});

test('ARGs after the first FROM do not apply to FROM lines', () => {
  // https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact
  const { list } = refs('FROM alpine:3.20\nARG LATER=x\nFROM ${LATER}\n');
  assert.equal(list[1].resolved, undefined);
  assert.match(list[1].o.expansionError!, /should not be blank/);
});

test('suppression comments silence the named rules', () => {
  const { list } = refs('# image-trust-ignore=latest-tag, unpinned-digest\nFROM nginx:latest\nFROM nginx:latest\n');
  assert.deepEqual([...list[0].o.suppressed].sort(), ['latest-tag', 'unpinned-digest']);
  assert.equal(list[1].o.suppressed.size, 0);
});

test('unterminated continuation, empty file and garbage do not throw', () => {
  for (const text of [
    '',
    '\n\n',
    'FROM \\',
    'FROM nginx \\\n',
    '\u0000\u0001\u0002',
    'FROM',
    'FROM --platform=',
    'COPY --from= /a /b',
    'RUN --mount=from',
    '}}}{{{',
  ]) {
    assert.doesNotThrow(() => extractDockerfileImages(text), JSON.stringify(text));
  }
});
