// dockerfile-ast builds every instruction's arguments eagerly, and on long files that is most of
// the time (profiled in BENCHMARKS.md). Only FROM, ARG, COPY --from and RUN --mount can name
// images, so the other instructions are blanked to spaces before parsing: line breaks stay, so
// every offset and position is unchanged. Continuations follow BuildKit's rules (comment and
// empty lines inside one belong to it); from the first heredoc on nothing is blanked.

const NO_IMAGE = new Set([
  'ENV',
  'LABEL',
  'CMD',
  'ENTRYPOINT',
  'EXPOSE',
  'VOLUME',
  'USER',
  'WORKDIR',
  'HEALTHCHECK',
  'SHELL',
  'STOPSIGNAL',
  'ADD',
  'MAINTAINER',
]);
const ESCAPE_DIRECTIVE = /^\s*#\s*escape\s*=\s*([\\`])\s*$/i;

// Tested on each line with its line break: the break is white space, so these give what they would
// give on the line without it, without making that string (this runs on every keystroke).
const COMMENT_OR_EMPTY = /^\s*(?:#.*)?(?:\r\n|\r|\n)?$/;
const CONTINUES = { '\\': /\\\s*$/, '`': /`\s*$/ } as Record<string, RegExp>;

export function blankIrrelevantInstructions(text: string): string {
  const lines = text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g);
  if (!lines) return text;
  const escapeAtEnd = CONTINUES[escapeCharacter(lines)];
  const isCommentOrEmpty = (line: string) => COMMENT_OR_EMPTY.test(line);
  const continues = (line: string) => escapeAtEnd.test(line);
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (isCommentOrEmpty(lines[i])) {
      out.push(lines[i++]);
      continue;
    }
    let end = i;
    while (continues(lines[end]) && end + 1 < lines.length) {
      end++;
      while (end + 1 < lines.length && isCommentOrEmpty(lines[end])) end++;
    }
    const group = lines.slice(i, end + 1);
    const instruction = group.join('');
    if (instruction.includes('<<')) {
      out.push(...lines.slice(i));
      break;
    }
    const keyword = /^\s*([A-Za-z]+)(?=\s|$)/.exec(instruction)?.[1].toUpperCase();
    // Blank only instructions known to name no image; anything unclear is parsed as written.
    const blank =
      keyword !== undefined &&
      (NO_IMAGE.has(keyword) ||
        (keyword === 'COPY' && !/--from/i.test(instruction)) ||
        (keyword === 'RUN' && !/--mount/i.test(instruction)));
    const keep = !blank;
    out.push(...(keep ? group : group.map(blankLine)));
    i = end + 1;
  }
  return out.join('');
}

/** The line as spaces, its line break kept. */
function blankLine(line: string): string {
  const end = line.endsWith('\r\n') ? line.length - 2 : /[\r\n]$/.test(line) ? line.length - 1 : line.length;
  return ' '.repeat(end) + line.slice(end);
}

function escapeCharacter(lines: string[]): string {
  // Parser directives come first, before any other comment or instruction.
  for (const line of lines) {
    const m = ESCAPE_DIRECTIVE.exec(line.replace(/\r?\n$|\r$/, ''));
    if (m) return m[1];
    if (!/^\s*#\s*[a-z]+\s*=/i.test(line)) break;
  }
  return '\\';
}
