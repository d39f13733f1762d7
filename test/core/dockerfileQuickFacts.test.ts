// The facts read straight from an instruction's text are dockerfile-ast's facts, and the block-wise
// extraction built on them finds what one parse of the whole file finds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import fc from 'fast-check';
import { writeRepositoryCorpus } from '../../bench/corpus';
import { extractDockerfileImages, IMAGE_KEYWORDS, instructionFacts } from '../../server/src/core/dockerfile';
import { blankIrrelevantInstructions } from '../../server/src/core/dockerfileBlanking';
import { dockerfileBlocks } from '../../server/src/core/dockerfileBlocks';
import { NEEDS_PARSE, quickInstructionFacts } from '../../server/src/core/dockerfileQuickFacts';

const keyword = fc.constantFrom(
  'FROM',
  'from',
  'From',
  'COPY',
  'copy',
  'RUN',
  'run',
  'ARG',
  'ONBUILD',
  'onbuild',
  'ONBUILD COPY',
  'ONBUILD RUN',
  'ONBUILD copy',
  'ONBUILD FROM',
  'ONBUILD ONBUILD RUN',
  'ENV',
  'ADD',
  'FROM#',
);
const flag = fc.constantFrom(
  '--platform=linux/arm64',
  '--platform=$BUILDPLATFORM',
  '--platform',
  '--platform=',
  '--from=alpine:3',
  '--from=build',
  '--from',
  '--from=',
  '--from==x',
  '--FROM=x',
  '--from="quoted"',
  '--from=${IMG:-busybox}',
  '--mount=type=cache,from=busybox,target=/x',
  '--mount=type=bind,target=/x',
  '--mount=from=',
  '--mount=from=a,from=b',
  '--mount=,from=x',
  '--mount==x,from=y',
  '--mount=from',
  '--mount=type=cache,from=b,',
  '--mount=from=x=y',
  '--mount',
  '--mount=',
  '--chown=1:1',
  '--link',
  '--',
  'a--b',
  '---x=y',
);
const argument = fc.constantFrom(
  'nginx:1.27',
  'ghcr.io/o/r:1@sha256:' + 'a'.repeat(64),
  '${BASE}',
  '${X:-y}',
  '$X',
  '"a b"',
  "'q'",
  '"',
  'AS',
  'as',
  'aS',
  'build',
  '#',
  '# trailing comment',
  '<<EOF',
  '/src',
  '/dst',
  'echo',
  'B=redis:7',
  'x\u00a0y',
  '\u00a0',
  'é',
);
/** What makes a reading not plain: escapes, continuations, or spacing the parser reads its own way. */
const oddity = fc.constantFrom(
  '\\',
  '`',
  '\\ ',
  '\\$',
  '\\"',
  'a-\\-b',
  'a-`-b',
  '-\\-mount=from=m',
  '-\\\n-from=f',
  '<\\<EOF',
  ' \\\n  ',
  ' `\n  ',
  '\\\n# c\n',
  '\v',
  '\f',
);
/** Mostly white space between the parts; none glues two parts into one word. */
const space = fc.constantFrom(' ', ' ', '  ', '\t', ' \t ', '');
const part = fc.oneof(
  { weight: 4, arbitrary: flag },
  { weight: 5, arbitrary: argument },
  { weight: 1, arbitrary: oddity },
);
const instruction = fc
  .tuple(
    fc.constantFrom('', '', ' ', '\t'),
    keyword,
    fc.array(fc.tuple(space, part), { maxLength: 6 }),
    fc.constantFrom('', '', ' ', '\t', ' \\', ' `'),
  )
  .map(([indent, word, parts, end]) => indent + word + parts.map(([s, p]) => s + p).join('') + end);
const other = fc.constantFrom(
  '# comment',
  '',
  '  ',
  'EOF',
  'LABEL a=b',
  'RUN <<EOF',
  '\u00a0FROM x',
  '\u00a0',
  'FROM y',
);
const header = fc.constantFrom(
  '',
  '',
  '\uFEFF',
  '# escape=`\n',
  '\uFEFF# escape=`\r\n',
  '# syntax=docker/dockerfile:1\n',
  '## syntax=docker/dockerfile:1\n# escape=`\n',
);
const dockerfile = fc
  .tuple(
    header,
    fc.array(
      fc.tuple(
        fc.oneof({ weight: 5, arbitrary: instruction }, { weight: 1, arbitrary: other }),
        fc.constantFrom('\n', '\n', '\r\n', '\r'),
      ),
      { minLength: 1, maxLength: 12 },
    ),
    fc.boolean(),
  )
  .map(([head, lines, trailingBreak]) => {
    const text = head + lines.map(([l, e]) => l + e).join('');
    return trailingBreak ? text : text.replace(/(?:\r\n|\r|\n)$/, '');
  });

test('the facts read from the text are the facts of the whole file parsed by dockerfile-ast (property)', () => {
  let quick = 0;
  let parsed = 0;
  fc.assert(
    fc.property(dockerfile, (text) => {
      const instructions = DockerfileParser.parse(text).getInstructions();
      const { escape, blocks } = dockerfileBlocks(text);
      assert.equal(blocks.length, instructions.length, JSON.stringify(text));
      for (const [i, block] of blocks.entries()) {
        const read = quickInstructionFacts(text, block.lineStart, block.end, block.line, escape);
        if (read === NEEDS_PARSE) {
          parsed++;
          continue;
        }
        if (IMAGE_KEYWORDS.has(block.keyword)) quick++;
        assert.deepStrictEqual(
          read,
          instructionFacts(instructions[i]),
          JSON.stringify(text.slice(block.lineStart, block.end)),
        );
      }
    }),
    { numRuns: 4000, seed: 20261130 },
  );
  // Both readings were taken, most blocks from their text.
  assert.ok(quick > 10_000 && parsed > 1_000 && quick > 2 * parsed, `read ${quick}, parsed ${parsed}`);
});

test('hand-picked readings: flags, stage names, mounts and triggers as dockerfile-ast reads them', () => {
  const cases = [
    'FROM --platform=linux/arm64 nginx:1.27 as Build',
    'FROM a--b --platform=x',
    'FROM --platform=x --platform=y nginx',
    'FROM nginx AS',
    '\tfrom\t"a b"\tAS\tx # comment',
    'COPY --link --from=build --from=other /a /b',
    'COPY --from --from=x /a /b',
    'COPY --from= /a /b',
    'RUN --mount=type=cache,from=b,target=/c --mount=from=d,from=e --mount=,from=f echo',
    'RUN --mount=from==x echo',
    'ONBUILD copy --from=x /a /b',
    'ONBUILD RUN --mount=from=y true',
    'ONBUILD',
    'ARG A=1 B',
    'RUN <<EOF\nFROM inside\nEOF',
    'RUN --mount=from=z <<EOF\r\nbody\r\nEOF',
    'COPY --from=a <<EOF /x\nbody\nEOF',
    'RUN set -eux; \\\n  --mount=from=not-a-flag',
    'ARG A=1 \\\n  B=2 \\\n\n  C=3',
    '\uFEFFFROM x',
  ];
  for (const text of cases) {
    const { escape, blocks } = dockerfileBlocks(text);
    const read = quickInstructionFacts(text, blocks[0].lineStart, blocks[0].end, blocks[0].line, escape);
    assert.notEqual(read, NEEDS_PARSE, JSON.stringify(text));
    assert.deepStrictEqual(
      read,
      instructionFacts(DockerfileParser.parse(text).getInstructions()[0]),
      JSON.stringify(text),
    );
  }
  // An escape character in the part that decides the reading needs the parser.
  for (const text of ['FROM nginx \\\n  AS b', 'COPY -\\-from=x /a /b', 'RUN --mount=from=a\\,b x', 'FR\\\nOM x']) {
    const { escape, blocks } = dockerfileBlocks(text);
    assert.equal(quickInstructionFacts(text, blocks[0].lineStart, blocks[0].end, blocks[0].line, escape), NEEDS_PARSE);
  }
});

/** The reference: one dockerfile-ast parse of the whole text as written. */
const wholeParse = (text: string) => extractDockerfileImages(text, { blank: false });

test('block-wise extraction finds what one parse of the whole file finds (property)', () => {
  fc.assert(
    fc.property(dockerfile, (text) => {
      assert.deepStrictEqual(extractDockerfileImages(text), wholeParse(text), JSON.stringify(text));
    }),
    { numRuns: 2000, seed: 1130 },
  );
});

test('blanking the instructions that name no image keeps what one parse finds (property)', () => {
  fc.assert(
    fc.property(dockerfile, (text) => {
      assert.deepStrictEqual(
        wholeParse(blankIrrelevantInstructions(text)).occurrences.map((o) => [o.range, o.resolved]),
        wholeParse(text).occurrences.map((o) => [o.range, o.resolved]),
        JSON.stringify(text),
      );
    }),
    { numRuns: 2000, seed: 30 },
  );
});

function dockerfilesUnder(dir: string, found: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) dockerfilesUnder(p, found);
    else if (/Dockerfile|Containerfile/.test(name)) found.push(p);
  }
  return found;
}

test('block-wise extraction finds what one parse finds on the benchmark corpus, examples/ and the fixtures', () => {
  const root = mkdtempSync(join(tmpdir(), 'image-trust-corpus-'));
  try {
    const corpus = writeRepositoryCorpus(root, 1000)
      .filter((f) => f.kind === 'dockerfile')
      .map((f) => join(root, f.path));
    const repository = join(__dirname, '..', '..');
    const files = [
      ...corpus,
      ...dockerfilesUnder(join(repository, 'examples')),
      ...dockerfilesUnder(join(repository, 'test', 'fixtures')),
    ];
    assert.ok(corpus.length > 600, `${corpus.length} corpus Dockerfiles`);
    let occurrences = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const blockwise = extractDockerfileImages(text);
      assert.deepStrictEqual(blockwise, wholeParse(text), file);
      occurrences += blockwise.occurrences.length;
    }
    assert.ok(occurrences > 2000, `${occurrences} images`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
