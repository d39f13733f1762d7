// A unified diff of line changes for `pin --dry-run`. Pinning changes text within lines, so the
// hunks are the changed lines with up to three lines of context.
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  const a = splitKeepingEnds(before);
  const b = splitKeepingEnds(after);
  if (a.length !== b.length) throw new Error('pin edits never add or remove lines');
  const changed: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) changed.push(i);
  if (changed.length === 0) return '';
  const out = [`--- a/${path}\n`, `+++ b/${path}\n`];
  let i = 0;
  while (i < changed.length) {
    const start = Math.max(0, changed[i] - context);
    let end = Math.min(a.length, changed[i] + context + 1);
    let j = i + 1;
    while (j < changed.length && changed[j] - context <= end) {
      end = Math.min(a.length, changed[j] + context + 1);
      j++;
    }
    const body: string[] = [];
    for (let k = start; k < end; k++) {
      if (a[k] === b[k]) body.push(` ${show(a[k])}`);
      else {
        body.push(`-${show(a[k])}`);
        body.push(`+${show(b[k])}`);
      }
    }
    const count = end - start;
    out.push(`@@ -${start + 1},${count} +${start + 1},${count} @@\n`, ...body);
    i = j;
  }
  return out.join('');
}

function splitKeepingEnds(text: string): string[] {
  const lines = text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
  return lines;
}

/**
 * A diff line keeps its own line ending: `git apply` and `patch` match a CRLF file's lines only
 * with the CR in place.
 */
function show(line: string): string {
  const body = line.replace(/\r?\n$|\r$/, '');
  return line.endsWith('\n') || line.endsWith('\r') ? line : `${body}\n\\ No newline at end of file\n`;
}
