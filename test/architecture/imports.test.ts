// The layering, checked on the source: the VS Code client takes what it shares with the server from
// protocol/ only; protocol/ reaches into the server for the pure core alone; the core imports no
// editor or LSP module. eslint's no-restricted-imports says the first at edit time; this test says
// all three in `npm test` whatever the lint configuration.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
export function specifiers(text: string): string[] {
  const found: string[] = [];
  const pattern =
    /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(pattern)) found.push(m[1] ?? m[2]);
  return found;
}

/** Relative imports of `dir`'s files, resolved to repository paths. */
function localImports(dir: string): Array<{ file: string; target: string }> {
  return sources(dir).flatMap((file) =>
    specifiers(readFileSync(join(ROOT, file), 'utf8'))
      .filter((s) => s.startsWith('.'))
      .map((s) => ({ file, target: relative(ROOT, resolve(ROOT, dirname(file), s)) })),
  );
}

test('the import scanner sees static, type-only, re-exported and dynamic imports', () => {
  const text = [
    "import { a } from '../../server/src/a';",
    "import type { B } from './b';",
    "export { c } from '../protocol/c';",
    "const d = await import('./d');",
    "import * as vscode from 'vscode';",
  ].join('\n');
  assert.deepEqual(specifiers(text), ['../../server/src/a', './b', '../protocol/c', './d', 'vscode']);
});

test('client/src imports from client/src and protocol/ only, never server/src', () => {
  const imports = localImports('client/src');
  assert.ok(
    imports.some((i) => i.target.startsWith('protocol/')),
    'the client uses the protocol module',
  );
  const outside = imports.filter((i) => !i.target.startsWith('client/src/') && !i.target.startsWith('protocol/'));
  assert.deepEqual(outside, []);
});

test('protocol/ reaches into the server only for the pure core', () => {
  const outside = localImports('protocol').filter(
    (i) => !i.target.startsWith('protocol/') && !i.target.startsWith('server/src/core/'),
  );
  assert.deepEqual(outside, []);
});

test('the core imports no editor, LSP or network module, and nothing of the server but its data', () => {
  const forbidden =
    /^(vscode|vscode-languageserver|vscode-languageclient|vscode-jsonrpc|undici|node:https?|node:net)(\/|$)/;
  const bad = sources('server/src/core').flatMap((file) =>
    specifiers(readFileSync(join(ROOT, file), 'utf8'))
      .filter(
        (s) =>
          forbidden.test(s) ||
          (s.startsWith('.') && !/^server\/src\/(core|data)\//.test(relative(ROOT, resolve(ROOT, dirname(file), s)))),
      )
      .map((s) => `${file}: ${s}`),
  );
  assert.deepEqual(bad, []);
});
