// How BuildKit decides which image a Dockerfile pulls, case by case. Each test cites the section of
// https://docs.docker.com/reference/dockerfile/ that decides it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDocument, evaluateRules } from '../../server/src/core/analyze';
import { extractDockerfileImages } from '../../server/src/core/dockerfile';
import { LineIndex } from '../../server/src/core/lineIndex';
import { defaultPolicy } from '../../server/src/core/settings';

function images(text: string) {
  const { occurrences, problems } = extractDockerfileImages(text);
  const lines = new LineIndex(text);
  return {
    list: occurrences.map((o) => ({ text: lines.textIn(o.range), resolved: o.resolved, o })),
    problems,
    lines,
  };
}

function offlineFindings(text: string) {
  return evaluateRules(analyzeDocument(text, 'dockerfile'), defaultPolicy(), { online: false });
}

test('a global ARG default is expanded with the ARGs before it', () => {
  // #understand-how-arg-and-from-interact and #scope: meta ARGs are expanded in order.
  const { list } = images('ARG REG=docker.io\nARG IMG=${REG}/library/python:3.12\nFROM ${IMG}\n');
  assert.equal(list[0].resolved, 'docker.io/library/python:3.12');
  assert.equal(
    offlineFindings('ARG REG=docker.io\nARG IMG=${REG}/library/python:3.12\nFROM ${IMG}\n').filter(
      (f) => f.severity === 'error',
    ).length,
    0,
  );
  assert.match(list[0].o.editBlockedReason!, /built from other ARGs/);
});

test('several name=value pairs on one ARG line are all defined', () => {
  // #arg: "ARG <name>[=<default value>] [<name>[=<default value>]...]"
  const { list } = images('ARG A=node B=22\nFROM ${A}:${B}\n');
  assert.equal(list[0].resolved, 'node:22');
  assert.equal(list[0].o.unresolvedVariables, undefined);
});

test('ARG names without a value and name=value pairs mix on one line', () => {
  // #arg: each word is `name` or `name=value` (no `ARG key value` form, unlike legacy ENV).
  const { list } = images('ARG A B=1.27\nFROM nginx:${B}\nFROM nginx:${A:-1.25}\n');
  assert.deepEqual(
    list.map((l) => l.resolved),
    ['nginx:1.27', 'nginx:1.25'],
  );
});

test('an ARG declared again overrides; declared again without a value keeps the value', () => {
  // #scope: a later definition replaces the earlier one; BuildKit keeps a meta ARG's value when it
  // is declared again without one.
  assert.equal(images('ARG V=1.25\nARG V=1.27\nFROM nginx:${V}\n').list[0].resolved, 'nginx:1.27');
  assert.equal(images('ARG V=1.25\nARG V\nFROM nginx:${V}\n').list[0].resolved, 'nginx:1.25');
});

test('an ARG chain whose root has no default is unresolved and names the root', () => {
  // #arg: without a default the value comes only from --build-arg.
  const { list, problems } = images('ARG REG\nARG IMG=${REG}/app:1\nFROM ${IMG}\n');
  assert.equal(list[0].resolved, undefined);
  assert.deepEqual(list[0].o.unresolvedVariables, ['REG']);
  assert.match(problems[0].message, /\$\{REG\}/);
});

test('pin writes the ARG default the FROM uses, also through a one-variable chain and inside quotes', () => {
  // #arg: the default is where the value is written.
  const chain = images('ARG BASE=nginx:1.27\nARG IMG=${BASE}\nFROM ${IMG}\n');
  assert.equal(chain.lines.textIn(chain.list[0].o.editTarget!.range), 'nginx:1.27');
  assert.equal(chain.list[0].o.editTarget!.range.start.line, 0);
  const quoted = images('ARG IMG="nginx:1.27"\nFROM $IMG\n');
  assert.equal(quoted.list[0].resolved, 'nginx:1.27');
  assert.deepEqual(quoted.list[0].o.editTarget!.range, {
    start: { line: 0, character: 9 },
    end: { line: 0, character: 19 },
  });
});

test('quotes around a FROM image are removed, and the range is the text inside them', () => {
  // #environment-replacement: FROM's image is processed by the shell lexer (quotes removed).
  const { list } = images('FROM "alpine:3.20" AS base\n');
  assert.equal(list[0].resolved, 'alpine:3.20');
  assert.equal(list[0].text, 'alpine:3.20');
  assert.equal(offlineFindings('FROM "alpine:3.20"\n').filter((f) => f.rule === 'invalid-reference').length, 0);
});

test('${VAR:+alt}, ${VAR-word}, ${VAR?msg} and pattern removal expand as BuildKit does', () => {
  // #environment-replacement: the supported modifiers.
  assert.equal(images('ARG D=1\nFROM nginx${D:+:1.27}\n').list[0].resolved, 'nginx:1.27');
  assert.equal(images('ARG D=\nFROM nginx:${D-1.25}\n').list[0].resolved, 'nginx:');
  assert.equal(images('ARG D=\nFROM nginx:${D:-1.25}\n').list[0].resolved, 'nginx:1.25');
  assert.equal(images('ARG V=v1.27.3\nFROM nginx:${V#v}\n').list[0].resolved, 'nginx:1.27.3');
  assert.equal(images('ARG V=1.27.3-alpine\nFROM nginx:${V%-*}\n').list[0].resolved, 'nginx:1.27.3');
  assert.equal(images('ARG V=1_27\nFROM nginx:${V/_/.}\n').list[0].resolved, 'nginx:1.27');
  const required = images('FROM nginx:${V:?no_V}\n');
  assert.equal(required.list[0].resolved, undefined);
  assert.match(required.list[0].o.expansionError!, /no_V/);
});

test('an undeclared variable in FROM is empty: a real error, explained', () => {
  // #understand-how-arg-and-from-interact: only ARGs before the first FROM are seen by FROM.
  const findings = offlineFindings('FROM nginx:${TAG}\n');
  const invalid = findings.find((f) => f.rule === 'invalid-reference');
  assert.ok(invalid);
  assert.match(invalid!.message, /\$\{TAG\} is not declared by an ARG before the first FROM/);
});

test('FROM ${STAGE} naming an earlier stage is that stage, not an image', () => {
  // #from: the name is expanded first, then matched against earlier stage names.
  const { list } = images('ARG STAGE=build\nFROM golang:1.22 AS build\nFROM ${STAGE}\nFROM $STAGE AS again\n');
  assert.deepEqual(
    list.map((l) => l.text),
    ['golang:1.22'],
  );
});

test('automatic platform ARGs: the reference depends on the platform; no advice to add a default', () => {
  // #automatic-platform-args-in-the-global-scope
  for (const text of [
    'FROM golang:1.22-${TARGETARCH}\n',
    'ARG TARGETARCH\nFROM golang:1.22-${TARGETARCH}\n',
    'ARG ARCH=${TARGETARCH}\nFROM golang:1.22-${ARCH}\n',
  ]) {
    const { list, problems } = images(text);
    assert.equal(list[0].resolved, undefined, text);
    assert.equal(problems.length, 1, text);
    assert.match(problems[0].message, /depends on the build platform/, text);
    assert.doesNotMatch(problems[0].message, /default/, text);
  }
  // A default written for a platform ARG is used (no --build-arg, no platform override).
  assert.equal(images('ARG TARGETARCH=amd64\nFROM golang:1.22-${TARGETARCH}\n').list[0].resolved, 'golang:1.22-amd64');
});

test('ONBUILD triggers that name images are checked', () => {
  // #onbuild: the trigger runs in the child build, which pulls the image.
  const { list } = images(
    'FROM alpine:3.20\nONBUILD COPY --from=busybox:1.36 /bin/busybox /bin/\nONBUILD RUN --mount=type=bind,from=golang:1.22,target=/g true\n',
  );
  assert.deepEqual(
    list.map((l) => [l.text, l.o.source, l.o.onbuild]),
    [
      ['alpine:3.20', 'from', undefined],
      ['busybox:1.36', 'copy-from', true],
      ['golang:1.22', 'mount-from', true],
    ],
  );
});

test('COPY --from: numbers are stage indexes, names match stages before, variables fail the build', () => {
  // #copy---from: "--from=<image|stage|context>"; BuildKit does not expand variables in --from,
  // and since 0.13 fails on a stage defined after the current one ("validate order when linking
  // stages": "cannot copy from stage, it needs to be defined before current stage").
  const text =
    'FROM alpine:3.20 AS a\nCOPY --from=later /x /y\nCOPY --from=1 /x /y\nCOPY --from=5 /x /y\nCOPY --from=$IMG /x /y\nCOPY --from=A /x /y\nCOPY --from=0 /x /y\nFROM alpine:3.20 AS Later\nCOPY --from=later /x /y\nCOPY --from=1 /x /y\n';
  const { list, problems } = images(text);
  assert.deepEqual(
    list.map((l) => l.text),
    ['alpine:3.20', 'alpine:3.20'],
  );
  assert.deepEqual(
    problems.map((p) => [p.code, p.range.start.line]),
    [
      ['invalid-reference', 1],
      ['invalid-reference', 2],
      ['invalid-reference', 3],
      ['invalid-reference', 4],
    ],
  );
  assert.match(problems[0].message, /defined after this one/);
});

test('RUN --mount from=: a stage before, an image, or a failed build', () => {
  // commands_runmount.go parseMount: CSV fields, keys in any case, the last from counts, and a from
  // with a `$` before its end fails the build; convert_runmount.go: a later stage fails it too.
  const text = [
    'FROM alpine:3.20 AS base',
    'RUN --mount=type=bind,from=base,target=/b true',
    'RUN --mount=type=bind,FROM=busybox:1.36,target=/b true',
    'RUN --mount="type=bind,from=golang:1.22,target=/g" true',
    // Quotes in a flag word are removed first; quotes left inside are CSV quotes.
    `RUN --mount='type=bind,"from=node:22",target=/n' true`,
    'RUN --mount=type=bind,from=a:1,from=python:3.12 true',
    'RUN --mount=type=bind,from=$IMG,target=/x true',
    'RUN --mount=type=bind,from=later,target=/x true',
    'RUN --mount=type=cache,from=,target=/c true',
    'RUN --mount true',
    'RUN echo --mount=from=nginx:1.27',
    'FROM alpine:3.20 AS later',
    '',
  ].join('\n');
  const { list, problems } = images(text);
  assert.deepEqual(
    list.map((l) => [l.resolved, l.o.source]),
    [
      ['alpine:3.20', 'from'],
      ['busybox:1.36', 'mount-from'],
      ['golang:1.22', 'mount-from'],
      ['node:22', 'mount-from'],
      ['python:3.12', 'mount-from'],
      ['alpine:3.20', 'from'],
    ],
  );
  assert.deepEqual(
    problems.map((p) => [p.code, p.range.start.line]),
    [
      ['invalid-reference', 6],
      ['invalid-reference', 7],
      ['invalid-reference', 9],
    ],
  );
  assert.match(problems[0].message, /doesn't support variable expansion/);
  assert.match(problems[2].message, /missing a value on flag: --mount/);
  // Where the value is written as it is read, that is where it is (and where pin edits it).
  assert.deepEqual(
    list.slice(1, 4).map((l) => l.text),
    ['busybox:1.36', 'golang:1.22', `--mount='type=bind,"from=node:22",target=/n'`],
  );
  assert.match(list[3].o.editBlockedReason ?? '', /.+/);
});

test('a heredoc body is not read as instructions', () => {
  // #here-documents
  const { list } = images('FROM alpine:3.20\nRUN <<EOF\nFROM nginx:evil\nEOF\n');
  assert.deepEqual(
    list.map((l) => l.text),
    ['alpine:3.20'],
  );
});

test('a stage name given twice is the later stage for COPY --from (BuildKit dispatchStates.addState)', () => {
  const text = 'FROM alpine:3.20 AS x\nFROM busybox:1.36\nCOPY --from=x /a /b\nFROM alpine:3.21 AS x\n';
  const { problems } = images(text);
  assert.deepEqual(
    problems.map((p) => [p.code, p.range.start.line]),
    [['invalid-reference', 2]],
  );
});
