// Instruction blocks fall where dockerfile-ast ends its instructions, and a block parsed alone
// reads as it does inside the whole file: what incremental analysis relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DockerfileParser } from 'dockerfile-ast';
import fc from 'fast-check';
import { instructionFacts, type InstructionFacts } from '../../server/src/core/dockerfile';
import { dockerfileBlocks, standaloneBlockText } from '../../server/src/core/dockerfileBlocks';
import { LineIndex } from '../../server/src/core/lineIndex';

/** Pieces that stress the parser's edges: escapes before spaces, comments and empty lines in continuations, heredocs. */
const token = fc.constantFrom(
  'FROM',
  'from',
  'ARG',
  'RUN',
  'COPY',
  'ADD',
  'ONBUILD',
  'ENV',
  'FR\\\nOM',
  ' ',
  '  ',
  '\t',
  'nginx:1.27',
  '${B}',
  '--from=alpine',
  '--mount=type=cache,from=busybox,target=/x',
  '--platform=$BUILDPLATFORM',
  'AS build',
  'B=redis:7',
  '\\',
  '`',
  '\\ ',
  '` ',
  '#',
  '# c',
  '<<EOF',
  '<<-EOF',
  '<<"EOF"',
  '<<EOT',
  'EOF',
  '\tEOF',
  'EOT',
  '<',
  'x',
  '\n',
  '\n',
  '\n',
  '\r\n',
  '\r',
);
const header = fc.constantFrom(
  '',
  '',
  '\uFEFF',
  '# escape=`\n',
  '# syntax=docker/dockerfile:1\n# escape=`\n',
  '# syntax=docker/dockerfile:1\r\n',
  '\uFEFF# escape=`\r\n',
  '# escape=\\\n# comment\n',
  '#escape = `\n\n',
);
/** Whole lines as people write them, with the continuations, comments and heredoc ends between them. */
const body = fc.constantFrom(
  'FROM nginx:1.27',
  'FROM ${B} AS b',
  'from --platform=linux/arm64 alpine',
  'ARG B=redis:7',
  'ARG X',
  'RUN echo hi',
  'RUN <<EOF',
  'RUN <<-EOF cat',
  'RUN <<EOF <<EOT',
  'COPY <<"EOF" /x',
  'ADD <<EOF /y',
  'ONBUILD RUN <<EOF',
  'ONBUILD copy <<EOF /x',
  'RUN --mount=type=cache,target=/c <<EOF',
  'COPY --from=alpine /a /b',
  'RUN --mount=type=bind,from=busybox,target=/x x',
  'ONBUILD COPY --from=z /a /b',
  '# comment',
  '#',
  '',
  '',
  'EOF',
  '\tEOF',
  'EOT',
  'ENV A=1',
  'FR\\',
  'OM x',
  '--from=y /a /b',
  'LABEL a=b',
);
const line = fc.tuple(
  fc.constantFrom('', '', '', ' ', '\t', '  '),
  body,
  fc.constantFrom('', '', '', ' \\', ' `', ' \\  ', '\\', ' ` ', '\\ x'),
  fc.constantFrom('\n', '\n', '\n', '\r\n', '\r'),
);
const dockerfileText = fc.oneof(
  fc.tuple(header, fc.array(token, { maxLength: 60 })).map(([head, tokens]) => head + tokens.join('')),
  fc
    .tuple(header, fc.array(line, { maxLength: 25 }), fc.boolean())
    .map(([head, lines, trailing]) => head + lines.map((l) => l.join('')).join('') + (trailing ? 'FROM last' : '')),
);

test('blocks start and end where dockerfile-ast starts and ends its instructions', () => {
  fc.assert(
    fc.property(dockerfileText, (text) => {
      const parsed = DockerfileParser.parse(text);
      const { blocks, escape } = dockerfileBlocks(text);
      assert.equal(escape, parsed.getEscapeCharacter() || '\\');
      const lines = new LineIndex(text);
      const expected = parsed
        .getInstructions()
        .map((i) => ({ keyword: i.getKeyword(), line: i.getRange().start.line, end: i.getRange().end }));
      const actual = blocks.map((b) => ({ keyword: b.keyword, line: b.line, end: lines.positionAt(b.end) }));
      assert.deepEqual(actual, expected);
    }),
    { numRuns: 3000, seed: 20261130 },
  );
});

test('a block parsed alone reads as it does in the whole file', () => {
  fc.assert(
    fc.property(dockerfileText, (text) => {
      const whole = DockerfileParser.parse(text)
        .getInstructions()
        .map((i) => shifted(instructionFacts(i), 0));
      const { blocks, escape } = dockerfileBlocks(text);
      const alone = blocks.map((b) => {
        const { text: blockText, shift } = standaloneBlockText(text, b, escape);
        const instructions = DockerfileParser.parse(blockText).getInstructions();
        assert.equal(instructions.length, 1, JSON.stringify(blockText));
        return shifted(instructionFacts(instructions[0]), shift);
      });
      assert.deepEqual(alone, whole);
    }),
    { numRuns: 3000, seed: 1130 },
  );
});

test('a heredoc body, comment lines and empty lines inside a continuation belong to their instruction', () => {
  const text = [
    '# syntax=docker/dockerfile:1',
    '# escape=`',
    'FROM alpine AS a',
    'RUN <<EOF',
    'FROM not-an-instruction',
    'EOF',
    'COPY --from=busybox `',
    '# a comment inside',
    '',
    '  /a /b',
    'FROM b',
  ].join('\r\n');
  const { escape, blocks } = dockerfileBlocks(text);
  assert.equal(escape, '`');
  assert.deepEqual(
    blocks.map((b) => [b.keyword, b.line]),
    [
      ['FROM', 2],
      ['RUN', 3],
      ['COPY', 6],
      ['FROM', 10],
    ],
  );
  assert.equal(text.slice(blocks[1].lineStart, blocks[1].end), 'RUN <<EOF\r\nFROM not-an-instruction\r\nEOF');
});

function shifted(facts: InstructionFacts | undefined, lines: number): unknown {
  return JSON.parse(
    JSON.stringify(facts ?? null, (key, value: unknown) =>
      key === 'line' && typeof value === 'number' ? value + lines : value,
    ),
  );
}
