// End to end in a real editor that is not VS Code: Debian's Neovim (0.7+) starts the bundled
// `dist/server.js --stdio` with its own LSP client (test/e2e/nvim/init.lua) and we check the
// diagnostics Neovim itself holds for the buffer. Offline: nothing leaves the machine.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..');
const SERVER = join(REPO, 'dist', 'server.js');
const INIT = join(__dirname, 'nvim', 'init.lua');
const NVIM = process.env.IMAGE_TRUST_NVIM ?? 'nvim';
// Generous: a cold start of node and the server on a loaded CI machine. Only a ceiling, never a
// threshold: the Lua side returns as soon as the diagnostics are there.
const WAIT_MS = 30_000;
const KILL_AFTER_MS = WAIT_MS * 2 + 15_000;

interface NeovimDiagnostic {
  lnum: number;
  col: number;
  end_lnum: number;
  end_col: number;
  severity: number;
  code: string;
  source: string;
  message: string;
}

interface NeovimResult {
  error?: string;
  arrived?: boolean;
  publishes?: number;
  filetype?: string;
  server_name?: string | null;
  diagnostics?: NeovimDiagnostic[];
  edit_settled?: boolean | null;
  after_edit?: NeovimDiagnostic[] | null;
}

let dir: string;

before(() => {
  assert.ok(existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
  dir = mkdtempSync(join(tmpdir(), 'image-trust-nvim-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs headless Neovim on `file`; always resolves, killing nvim and the server if they hang. */
function runNeovim(file: string, env: Record<string, string>): Promise<{ result: NeovimResult; stderr: string }> {
  const out = `${file}.nvim-result.json`;
  const home = mkdtempSync(join(dir, 'home-'));
  return new Promise((resolve, reject) => {
    const child = spawn(NVIM, ['--headless', '-n', '-i', 'NONE', '-u', INIT, file], {
      cwd: dir,
      // Its own process group, so a kill also reaches the language server nvim started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        // Neovim's state, shada and LSP log stay in the temp folder.
        HOME: home,
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_DATA_HOME: join(home, 'data'),
        XDG_STATE_HOME: join(home, 'state'),
        XDG_CACHE_HOME: join(home, 'cache'),
        IMAGE_TRUST_CACHE_DIR: '',
        IMAGE_TRUST_NODE: process.execPath,
        IMAGE_TRUST_SERVER: SERVER,
        IMAGE_TRUST_OUT: out,
        IMAGE_TRUST_ROOT: dir,
        IMAGE_TRUST_TIMEOUT_MS: String(WAIT_MS),
        ...env,
      },
    });
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => {
      stderr += `\n[test] nvim still running after ${KILL_AFTER_MS} ms: killed`;
      killGroup(child.pid);
    }, KILL_AFTER_MS);
    child.on('error', (error) => {
      clearTimeout(killer);
      reject(new Error(`cannot start ${NVIM}: ${error.message} (install Debian's neovim)`));
    });
    child.on('exit', () => {
      clearTimeout(killer);
      // The server exits when nvim closes its stdin; make sure nothing of the group survives.
      killGroup(child.pid);
      if (!existsSync(out)) {
        resolve({ result: { error: `nvim wrote no result; output:\n${stderr}` }, stderr });
        return;
      }
      resolve({ result: JSON.parse(readFileSync(out, 'utf8')) as NeovimResult, stderr });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

const summary = (diagnostics: NeovimDiagnostic[] | null | undefined) =>
  (diagnostics ?? []).map((d) => `${d.lnum + 1}:${d.col + 1}-${d.end_col + 1} ${d.code} [${d.source}]`).sort();

test('Neovim receives the offline diagnostics of a Dockerfile, then updates them as the buffer changes', async () => {
  const file = join(dir, 'Dockerfile');
  writeFileSync(file, 'FROM nginx:latest\nFROM someuser/tool:1.0\nRUN echo ok\n');
  const { result, stderr } = await runNeovim(file, {
    IMAGE_TRUST_WAIT_FOR: 'latest-tag,unofficial-image,unpinned-digest',
    // No tag: date-independent (a version tag would grow eol-version once its cycle ends).
    IMAGE_TRUST_EDIT_FIRST_LINE: 'FROM alpine',
    IMAGE_TRUST_GONE_AFTER_EDIT: 'latest-tag',
  });
  assert.equal(result.error, undefined, `${result.error}\n${stderr}`);
  assert.equal(result.arrived, true, `diagnostics did not arrive: ${JSON.stringify(result)}\n${stderr}`);
  assert.equal(result.server_name, 'image-trust');
  assert.equal(result.filetype, 'dockerfile');

  // Neovim's lnum/col are 0-based; printed here 1-based like the CLI. Columns cover the reference.
  assert.deepEqual(summary(result.diagnostics), [
    '1:6-18 latest-tag [image-trust]',
    '1:6-18 unpinned-digest [image-trust]',
    '2:6-23 unofficial-image [image-trust]',
    '2:6-23 unpinned-digest [image-trust]',
  ]);
  const severities = Object.fromEntries(result.diagnostics!.map((d) => [`${d.lnum}:${d.code}`, d.severity]));
  // vim.diagnostic.severity: 1 error, 2 warning, 3 info, 4 hint.
  assert.deepEqual(severities, {
    '0:latest-tag': 2,
    '0:unpinned-digest': 3,
    '1:unofficial-image': 2,
    '1:unpinned-digest': 3,
  });
  const unofficial = result.diagnostics!.find((d) => d.code === 'unofficial-image')!;
  assert.match(unofficial.message, /someuser\/tool/);

  assert.equal(
    result.edit_settled,
    true,
    `diagnostics did not follow the edit: ${JSON.stringify(result.after_edit)}\n${stderr}`,
  );
  assert.deepEqual(summary(result.after_edit), [
    '1:6-12 missing-tag [image-trust]',
    '1:6-12 unpinned-digest [image-trust]',
    '2:6-23 unofficial-image [image-trust]',
    '2:6-23 unpinned-digest [image-trust]',
  ]);
});

test('Neovim receives the diagnostics of a compose file', async () => {
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, 'services:\n  web:\n    image: nginx:latest\n  cache:\n    image: redis\n');
  const { result, stderr } = await runNeovim(file, { IMAGE_TRUST_WAIT_FOR: 'latest-tag,missing-tag' });
  assert.equal(result.error, undefined, `${result.error}\n${stderr}`);
  assert.equal(result.arrived, true, `diagnostics did not arrive: ${JSON.stringify(result)}\n${stderr}`);
  assert.deepEqual(summary(result.diagnostics), [
    '3:12-24 latest-tag [image-trust]',
    '3:12-24 unpinned-digest [image-trust]',
    '5:12-17 missing-tag [image-trust]',
    '5:12-17 unpinned-digest [image-trust]',
  ]);
});
