// dockerfile-ast builds every instruction's arguments eagerly, and on long files that is most of
// the time (profiled in BENCHMARKS.md). Only FROM, ARG, COPY --from and RUN --mount can name
// images, so the other instructions are blanked to spaces before parsing: line breaks stay, so
// every offset and position is unchanged. Continuations follow BuildKit's rules (comment and
// empty lines inside one belong to it); from the first heredoc on nothing is blanked.
// The editor's incremental analysis cuts and keys the blanked text (incrementalAnalysis.ts).
import { dockerfileEscapeCharacter } from './dockerfileBlocks';

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

// Tested on each line with its line break: the break is white space, so these give what they would
// give on the line without it, without making that string (this runs on every keystroke). Only
// spaces and tabs are white space to the parser: any other character starts a word.
const COMMENT_OR_EMPTY = /^[ \t]*(?:#.*)?(?:\r\n|\r|\n)?$/;
const CONTINUES = { '\\': /\\[ \t]*(?:\r\n|\r|\n)?$/, '`': /`[ \t]*(?:\r\n|\r|\n)?$/ } as Record<string, RegExp>;
/** A continuation's escape character and the white space after it, at the end of a line. */
const CONTINUATION_END = { '\\': /\\[ \t]*$/, '`': /`[ \t]*$/ } as Record<string, RegExp>;

/**
 * The text of an instruction's lines as its words read it: each continuation (the escape character
 * at a line's end) and the comment and empty lines inside it removed, so that the lines join, and
 * every escape character removed, since an escaped character stands for itself (`-\-mount` is
 * `--mount`). Removing both escape characters finds more, never less, than the parser reads.
 */
export function joinedWords(lines: readonly string[], escape: string): string {
  let joined = '';
  for (const [i, line] of lines.entries()) {
    if (i > 0 && COMMENT_OR_EMPTY.test(line)) continue;
    const text = line.replace(/(?:\r\n|\r|\n)$/, '');
    joined += text.replace(CONTINUATION_END[escape], '');
  }
  return joined.replace(/[\\`]/g, '');
}

export function blankIrrelevantInstructions(text: string): string {
  const lines = text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g);
  if (!lines) return text;
  const escape = dockerfileEscapeCharacter(text);
  const escapeAtEnd = CONTINUES[escape];
  // A byte order mark before the first line is not part of it.
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) lines[0] = lines[0].slice(1);
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
    // Without an escape character the group is one line, and its words are its text.
    const words = group.length === 1 && !/[\\`]/.test(group[0]) ? group[0] : joinedWords(group, escape);
    if (words.includes('<<')) {
      out.push(...lines.slice(i));
      break;
    }
    const keyword = /^[ \t]*([A-Za-z]+)(?=[ \t\r\n]|$)/.exec(group[0])?.[1].toUpperCase();
    // Blank only instructions known to name no image; anything unclear is parsed as written.
    const blank =
      keyword !== undefined &&
      (NO_IMAGE.has(keyword) ||
        (keyword === 'COPY' && !/--from/i.test(words)) ||
        (keyword === 'RUN' && !/--mount/i.test(words)));
    const keep = !blank;
    out.push(...(keep ? group : group.map(blankLine)));
    i = end + 1;
  }
  return (bom ? '\uFEFF' : '') + out.join('');
}

/** The line as spaces, its line break kept. */
function blankLine(line: string): string {
  const end = line.endsWith('\r\n') ? line.length - 2 : /[\r\n]$/.test(line) ? line.length - 1 : line.length;
  return ' '.repeat(end) + line.slice(end);
}
