// The standalone server in a real LSP client that is not VS Code: Debian's Neovim, headless.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SERVER = join(__dirname, '..', '..', 'dist', 'server.js');
const SCRIPT = join(__dirname, 'nvim', 'diagnostics.lua');

interface NvimDiagnostic {
  lnum: number;
  col: number;
  end_col: number;
  code?: string;
  source?: string;
  severity: number;
  message: string;
}

test('Neovim receives image-trust diagnostics from dist/server.js --stdio', async () => {
  assert.ok(existsSync(SERVER), 'run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 'image-trust-nvim-'));
  try {
    const file = join(dir, 'Dockerfile');
    writeFileSync(file, 'FROM nginx:latest\nFROM someuser/tool:1.0 AS tool\nFROM tool\n');
    const out = join(dir, 'out.json');
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${SCRIPT}`, file], {
        cwd: dir,
        env: { ...process.env, IMAGE_TRUST_NVIM_OUT: out, IMAGE_TRUST_SERVER: SERVER, IMAGE_TRUST_CACHE_DIR: '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('nvim did not finish in 60 s'));
      }, 60_000);
      child.on('error', reject);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as { error?: string; waited: boolean; diagnostics: NvimDiagnostic[]; client: string };
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.client, 'image-trust');
    const got = result.diagnostics.map((d) => `${d.lnum}:${d.col}:${d.code}:${d.source}`).sort();
    assert.deepEqual(got, [
      '0:5:latest-tag:image-trust',
      '0:5:unpinned-digest:image-trust',
      '1:5:unofficial-image:image-trust',
      '1:5:unpinned-digest:image-trust',
    ]);
    const latest = result.diagnostics.find((d) => d.code === 'latest-tag')!;
    assert.equal(latest.end_col, 17);
    assert.equal(latest.severity, 2, 'warning');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
