// The glob dialect of `imageTrust.files` and the policy's `files:`: `**` any folders, `*` and `?`
// within one name, `{a,b}` alternatives. A pattern without `/` matches the file name anywhere.
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let i = 0;
  let braces = 0;
  while (i < glob.length) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      i += 2;
      if (glob[i] === '/') {
        i++;
        out += '(?:[^/]*/)*';
      } else out += '.*';
      continue;
    }
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
    i++;
  }
  while (braces-- > 0) out += ')';
  return new RegExp(`^${out}$`);
}

/** Whether `relativePath` (forward slashes, relative to the folder the globs belong to) matches. */
export function matchesGlob(relativePath: string, glob: string): boolean {
  const path = relativePath.replace(/\\/g, '/').replace(/^\.\//, '');
  const pattern = glob.replace(/\\/g, '/').replace(/^\.\//, '');
  if (!pattern.includes('/')) return globToRegExp(pattern).test(path.split('/').pop() ?? '');
  return globToRegExp(pattern).test(path);
}
