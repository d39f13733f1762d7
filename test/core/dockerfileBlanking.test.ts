// Blanking the instructions that cannot name images must never change what is found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DockerfileParser } from 'dockerfile-ast';
import {
  extractDockerfileImages,
  extractFromInstructionFacts,
  instructionFacts,
  type InstructionFacts,
} from '../../server/src/core/dockerfile';
import { blankIrrelevantInstructions } from '../../server/src/core/dockerfileBlanking';

/** The images read from one parse of the blanked text (what the editor's analysis cuts and keys). */
function fromBlankedText(text: string) {
  const parsed = DockerfileParser.parse(blankIrrelevantInstructions(text));
  const facts = parsed
    .getInstructions()
    .map(instructionFacts)
    .filter((f): f is InstructionFacts => !!f);
  return extractFromInstructionFacts(text, parsed.getEscapeCharacter() || '\\', facts);
}

function same(text: string): void {
  const fast = fromBlankedText(text);
  const full = extractDockerfileImages(text, { blank: false });
  const view = (r: ReturnType<typeof extractDockerfileImages>) =>
    JSON.stringify({ o: r.occurrences.map((o) => ({ ...o, suppressed: [...o.suppressed] })), p: r.problems });
  assert.equal(view(fast), view(full), JSON.stringify(text));
}

test('keeps length and line breaks', () => {
  const text = 'FROM a\r\nRUN echo \\\n  hi\rLABEL x=y\nCOPY --from=b /x /y\n';
  const blanked = blankIrrelevantInstructions(text);
  assert.equal(blanked.length, text.length);
  assert.deepEqual(blanked.match(/\r\n|\r|\n/g), text.match(/\r\n|\r|\n/g));
  assert.match(blanked, /^FROM a\r\n {10}\n {4}\r {9}\nCOPY --from=b/);
});

test('same images on hand-picked tricky files', () => {
  const cases = [
    '# escape=`\nFROM `\n  nginx:1.27\nRUN echo `\n  FROM evil:1\nFROM alpine\n',
    'FROM a AS b\nRUN echo \\\n# a comment inside\n\n  done\nFROM c\nCOPY --from=b /x /y\nCOPY --from=d:1 /x /y\n',
    'ARG X=nginx:1\nRUN <<EOF\nFROM evil\nEOF\nFROM ${X}\n',
    'FROM a\nRUN --mount=type=bind,from=busybox:1,target=/b true\nRUN true \\\n',
    'ONBUILD COPY --from=x /a /b\nfrom x\nHEALTHCHECK CMD curl \\\n -f http://x\n',
    '\uFEFFFROM a\r\nENV A=b \\\r\n  C=d\r\nFROM e\r\n',
    // Escaped characters stand for themselves and continued lines join: these are flags and a heredoc.
    'FROM a\nRUN -\\-mount=type=bind,from=busybox:1,target=/b true\n',
    'FROM a\nCOPY -\\\n# comment\n-from=alpine:3 /a /b\n',
    'FROM a\nRUN <\\<EOF\nFROM not-an-image\nEOF\n',
    // A no-break space is not white space: its line ends the continuation.
    'RUN a \\\n\u00a0\nFROM x\n',
    'RUN a \\\u00a0\nFROM x\n',
    // `##` is a parser directive named `#` to dockerfile-ast, so `# escape=` after it counts.
    '## syntax=docker/dockerfile:1\n# escape=`\nENV A=1 \\\nFROM nginx:1.27 AS web\n',
  ];
  for (const text of cases) same(text);
});

test('same images on every Dockerfile in examples/ and the fixtures', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/Dockerfile|Containerfile/.test(name)) files.push(p);
    }
  };
  walk(join(__dirname, '..', '..', 'examples'));
  assert.ok(files.length >= 5);
  for (const f of files) same(readFileSync(f, 'utf8'));
});

test('same images on generated Dockerfiles (property)', () => {
  const word = fc.constantFrom(
    'nginx:1.27',
    'alpine',
    '${BASE}',
    'build',
    'a',
    '"q"',
    '$X',
    'scratch',
    'ghcr.io/o/r:1@sha256:' + 'a'.repeat(64),
  );
  const piece = fc.oneof(
    word.map((w) => `FROM ${w}`),
    fc.tuple(word, word).map(([a, b]) => `FROM --platform=linux/amd64 ${a} AS ${b.replace(/[^a-z]/g, '') || 's'}`),
    word.map((w) => `COPY --from=${w} /a /b`),
    word.map((w) => `RUN --mount=type=cache,from=${w},target=/c echo`),
    fc.constantFrom(
      'ARG BASE=nginx:1.31',
      'ARG X',
      'RUN echo hi',
      'ENV A=1',
      'LABEL a=b',
      'CMD ["x"]',
      'USER 1',
      'WORKDIR /w',
    ),
    fc.constantFrom(
      '# comment',
      '',
      '   ',
      '# image-trust-ignore=latest-tag',
      'RUN <<EOF',
      'EOF',
      'FROM',
      'from nginx',
    ),
  );
  const line = fc.tuple(piece, fc.constantFrom('', ' \\', ' `', '\\')).map(([p, c]) => p + c);
  const eol = fc.constantFrom('\n', '\r\n', '\r');
  const file = fc
    .tuple(
      fc.constantFrom('', '# escape=`\n', '# escape=\\\n', '# syntax=docker/dockerfile:1\n# escape=`\n'),
      fc.array(fc.tuple(line, eol), { maxLength: 25 }),
    )
    .map(([head, rows]) => head + rows.map(([l, e]) => l + e).join(''));
  fc.assert(
    fc.property(file, (text) => same(text)),
    { numRuns: 1500 },
  );
});
