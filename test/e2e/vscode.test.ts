// The packaged extension inside real VS Code: code-server (installed from the npm registry by
// scripts/e2e/install-code-server.sh, cached outside the repo) driven in headless Chromium, with
// docker.io pointed by a machine setting at a real local registry and Docker Hub's web API at the
// local fixture. What the page shows is compared with what the CLI finds on the same files with
// the same registry, so the editor is checked against CI rather than against numbers copied here.
// Screenshots of each step are taken on every run; they replace the README's in docs/screenshots/
// only when asked (IMAGE_TRUST_UPDATE_SCREENSHOTS=1, or IMAGE_TRUST_SCREENSHOTS=<folder>), so a
// test run leaves the working tree as it was.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startHubServer, type HubTestServer } from '../support/hubServer';
import { freePort, pushImage, startRegistry, tagExisting, type TestRegistry } from '../support/registry';

// Page functions run in the browser; the project compiles without the DOM library, so this file
// declares the little of it that they touch.
interface PageElement {
  textContent: string | null;
  outerHTML: string;
  value?: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
};

const ROOT = join(__dirname, '..', '..');
const ASKED_SHOTS =
  process.env.IMAGE_TRUST_SCREENSHOTS ??
  (process.env.IMAGE_TRUST_UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : undefined);
let SHOTS = '';
const CHROMIUM = process.env.IMAGE_TRUST_CHROMIUM ?? '/usr/bin/chromium';
// Ceilings for things that are normally quick; the test goes on as soon as the page shows them.
const UI_WAIT = 120_000;
const NETWORK_WAIT = 180_000;

interface CodeServerInstall {
  node: string;
  entry: string;
}

interface Counts {
  errors: number;
  warnings: number;
  infos: number;
}

let registry: TestRegistry;
let hub: HubTestServer;
let codeServer: ChildProcess | undefined;
let codeServerLog = '';
let browser: Browser | undefined;
let page: Page;
let work: string;
let workspace: string;
let nginxDigest: string;
let postgresDigest: string;
let someuserDigest: string;

/** Installs code-server into the cache (minutes the first time, instant after) and says where it is. */
function installCodeServer(): CodeServerInstall {
  const out = execFileSync('bash', [join(ROOT, 'scripts', 'e2e', 'install-code-server.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 12 * 60_000,
  });
  const install = JSON.parse(out.trim().split('\n').pop()!) as CodeServerInstall;
  assert.ok(existsSync(install.entry), `code-server entry missing: ${install.entry}`);
  return install;
}

/** The .vsix users install: `npm run package`, unless IMAGE_TRUST_E2E_VSIX names one already built. */
function packagedExtension(): string {
  const given = process.env.IMAGE_TRUST_E2E_VSIX;
  if (given) return resolve(ROOT, given);
  const result = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8', timeout: 5 * 60_000 });
  assert.equal(result.status, 0, `npm run package failed:\n${result.stdout}\n${result.stderr}`);
  return join(ROOT, 'image-trust.vsix');
}

interface CliFinding {
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * What the CLI reports for `files` (`--format json`), against the same registry and Hub, or with
 * no network at all. Asynchronous on purpose: the registry's counting proxy and the Hub fixture
 * answer from this process, so a synchronous spawn would leave the CLI (and the editor) waiting on them.
 */
async function cliReport(files: string[], { offline = false } = {}): Promise<CliFinding[]> {
  const args = [join(ROOT, 'dist', 'cli.js'), 'lint', ...files, '--format', 'json', '--fail-on', 'never'];
  if (offline) args.push('--offline');
  else args.push('--registry-mirror', `docker.io=${registry.url}`, '--hub-url', hub.url);
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, args, {
        env: isolatedEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    },
  );
  assert.equal(code, 0, `image-trust lint failed: ${stderr}`);
  const report = JSON.parse(stdout) as { files: Array<{ findings: CliFinding[] }> };
  return report.files.flatMap((f) => f.findings);
}

/** Finding counts per severity that the CLI reports for `files`. */
async function cliCounts(files: string[]): Promise<Counts> {
  const counts: Counts = { errors: 0, warnings: 0, infos: 0 };
  for (const finding of await cliReport(files)) {
    if (finding.severity === 'error') counts.errors++;
    else if (finding.severity === 'warning') counts.warnings++;
    else counts.infos++;
  }
  return counts;
}

/** No disk cache, no credentials and no settings from the machine's home. */
function isolatedEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: join(work, 'home'),
    XDG_CONFIG_HOME: join(work, 'home', '.config'),
    XDG_DATA_HOME: join(work, 'home', '.local', 'share'),
    XDG_CACHE_HOME: join(work, 'home', '.cache'),
    DOCKER_CONFIG: join(work, 'home', '.docker'),
    IMAGE_TRUST_CACHE_DIR: '',
  };
}

let codeServerEnv: NodeJS.ProcessEnv;
let codeServerArgs: string[];
let codeServerInstall: CodeServerInstall;

/**
 * Starts code-server on the workspace with the user data written in `before`; returns its port.
 * There is one at a time: `codeServer` is the only handle to it, and `after` kills its group.
 */
async function startCodeServer(): Promise<number> {
  assert.equal(codeServer, undefined, 'a code-server is still running');
  const install = codeServerInstall;
  const port = await freePort();
  codeServer = spawn(
    install.node,
    [
      install.entry,
      ...codeServerArgs,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--ignore-last-opened',
      '--disable-getting-started-override',
      workspace,
    ],
    { env: codeServerEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const server = codeServer;
  server.stdout!.on('data', (d: Buffer) => (codeServerLog += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (codeServerLog += d.toString()));
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, server);
  return port;
}

/** A new browser page on the workspace, once the workbench and the explorer are drawn. */
async function openWorkbench(port: number): Promise<void> {
  page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, {
    waitUntil: 'commit',
    timeout: UI_WAIT,
  });
  await page.locator('.monaco-workbench').waitFor({ timeout: UI_WAIT });
  await page.locator('.explorer-folders-view').waitFor({ timeout: UI_WAIT });
}

/** Kills code-server's process group and waits until it has exited (its pipes closed). */
async function killCodeServer(): Promise<void> {
  const server = codeServer;
  codeServer = undefined;
  if (!server?.pid) return;
  const exited =
    server.exitCode !== null || server.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => server.once('close', () => resolve()));
  try {
    // The group: code-server, its extension host and our language server.
    process.kill(-server.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
}

async function waitForHttp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + UI_WAIT;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${codeServerLog}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url}:\n${codeServerLog}`);
}

before(
  async () => {
    const install = installCodeServer();
    const vsix = packagedExtension();
    work = mkdtempSync(join(tmpdir(), 'image-trust-vscode-'));
    const userData = join(work, 'user-data');
    const extensions = join(work, 'extensions');
    workspace = join(work, 'workspace');
    for (const dir of [
      join(userData, 'User'),
      join(userData, 'Machine'),
      extensions,
      workspace,
      join(work, 'home', '.docker'),
    ])
      mkdirSync(dir, { recursive: true });

    [registry, hub] = await Promise.all([startRegistry(), startHubServer()]);
    // Built today, as a maintained image is, so stale-image stays out of the pictures.
    const built = new Date().toISOString();
    const nginx = await pushImage(registry, 'library/nginx', '1.27.3', {
      platforms: ['linux/amd64', 'linux/arm64'],
      created: built,
    });
    await tagExisting(registry, 'library/nginx', ['1.27', '1', 'latest'], nginx.digest);
    nginxDigest = nginx.digest;
    const postgres = await pushImage(registry, 'library/postgres', '16.4', { created: built });
    await tagExisting(registry, 'library/postgres', ['16', 'latest'], postgres.digest);
    postgresDigest = postgres.digest;
    // The fixture Hub knows someuser/nginx as a community repository; the registry must have it too.
    someuserDigest = (await pushImage(registry, 'someuser/nginx', '1.25', { created: built })).digest;

    writeFileSync(
      join(workspace, 'Dockerfile'),
      'FROM nginx:1.27 AS web\nFROM someuser/nginx:1.25 AS extra\nFROM nginx:latest\nCOPY --from=extra /etc/nginx /etc/nginx\n',
    );
    writeFileSync(
      join(workspace, 'compose.yaml'),
      'services:\n  db:\n    image: postgres\n  web:\n    image: nginx:latest\n',
    );
    // Not a compose file: YAML that image-trust does not check.
    writeFileSync(join(workspace, 'notes.yaml'), 'image: nginx:latest\n');
    // A pipeline file that .gitlab-ci.yml includes: GitLab CI by the include, not by its name.
    mkdirSync(join(workspace, 'ci'));
    writeFileSync(join(workspace, '.gitlab-ci.yml'), 'include:\n  - local: ci/db.yml\n');
    writeFileSync(join(workspace, 'ci', 'db.yml'), 'migrate:\n  image: postgres:16\n  script: [true]\n');
    // A Kubernetes manifest under a name no convention gives: found by its content.
    mkdirSync(join(workspace, 'deploy'));
    writeFileSync(
      join(workspace, 'deploy', 'db.yaml'),
      'apiVersion: apps/v1\nkind: StatefulSet\nspec:\n  template:\n    spec:\n      containers:\n        - name: db\n          image: postgres:16 # the database\n',
    );
    // Workspace pinning leaves what files.exclude and search.exclude hide alone.
    for (const folder of ['hidden', 'vendor', '.vscode']) mkdirSync(join(workspace, folder));
    writeFileSync(join(workspace, 'hidden', 'Dockerfile'), 'FROM nginx:1.27\n');
    writeFileSync(join(workspace, 'vendor', 'Dockerfile'), 'FROM nginx:1.27\n');
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'files.exclude': { '**/hidden': true }, 'search.exclude': { '**/vendor': true } }, null, 2),
    );

    // code-server is a remote window: machine-scoped settings live in <user-data-dir>/Machine.
    writeFileSync(
      join(userData, 'Machine', 'settings.json'),
      JSON.stringify(
        { 'imageTrust.registryMirrors': { 'docker.io': registry.url }, 'imageTrust.hubUrl': hub.url },
        null,
        2,
      ),
    );
    writeFileSync(
      join(userData, 'User', 'settings.json'),
      JSON.stringify(
        {
          'security.workspace.trust.enabled': false,
          'workbench.colorTheme': 'Dark Modern',
          'workbench.startupEditor': 'none',
          'workbench.tips.enabled': false,
          'workbench.editor.enablePreview': false,
          'workbench.secondarySideBar.defaultVisibility': 'hidden',
          'chat.disableAIFeatures': true,
          'editor.minimap.enabled': false,
          'editor.hover.delay': 300,
          'extensions.autoCheckUpdates': false,
          'extensions.autoUpdate': false,
          'extensions.ignoreRecommendations': true,
          'update.mode': 'none',
          'telemetry.telemetryLevel': 'off',
          'workbench.enableExperiments': false,
        },
        null,
        2,
      ),
    );
    const configFile = join(work, 'code-server.yaml');
    writeFileSync(configFile, 'auth: none\ncert: false\n');
    const env = {
      ...isolatedEnv(),
      CODE_SERVER_CONFIG: configFile,
      // Any Marketplace request fails on this machine instead of leaving it.
      EXTENSIONS_GALLERY: JSON.stringify({
        serviceUrl: 'http://127.0.0.1:9/gallery',
        itemUrl: 'http://127.0.0.1:9/item',
      }),
    };
    const common = [
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      '--disable-telemetry',
      '--disable-update-check',
    ];

    const installed = spawnSync(install.node, [install.entry, ...common, '--install-extension', vsix], {
      encoding: 'utf8',
      env,
      timeout: 180_000,
    });
    assert.equal(installed.status, 0, `--install-extension failed:\n${installed.stdout}\n${installed.stderr}`);
    const ours = readdirSync(extensions).filter((name) => name.startsWith('image-trust.image-trust-'));
    assert.equal(ours.length, 1, `extension not in ${extensions}: ${readdirSync(extensions).join(', ')}`);

    codeServerInstall = install;
    codeServerEnv = env;
    codeServerArgs = common;
    const port = await startCodeServer();

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      // launch() gives every run a fresh temporary profile (it refuses --user-data-dir).
    });
    await openWorkbench(port);
    SHOTS = ASKED_SHOTS ?? join(work, 'screenshots');
    mkdirSync(SHOTS, { recursive: true });
  },
  { timeout: 15 * 60_000 },
);

after(async () => {
  await browser?.close().catch(() => undefined);
  await killCodeServer();
  await Promise.all([registry?.stop(), hub?.close()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

async function openFile(name: string): Promise<void> {
  const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${name}"]`).first();
  await row.waitFor({ timeout: UI_WAIT });
  await row.dblclick();
  await page.locator(`.tab.active[aria-label^="${name}"]`).first().waitFor({ timeout: UI_WAIT });
  await page
    .locator('.monaco-editor .view-lines')
    .first()
    .click({ position: { x: 5, y: 5 } })
    .catch(() => undefined);
}

/** Moves the cursor with Go to Line/Column, as a keyboard user would. */
async function goTo(line: number, column: number): Promise<void> {
  await page.locator('.monaco-editor textarea.inputarea, .monaco-editor .native-edit-context').first().focus();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: UI_WAIT });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_WAIT });
}

/** The Problems counts VS Code shows in the status bar. */
async function problemCounts(): Promise<{ counts: Counts; label: string }> {
  const label = await page.evaluate(() => {
    const item = document.querySelector('[id="status.problems"]');
    const anchor = item?.querySelector('a');
    return item?.getAttribute('aria-label') || anchor?.getAttribute('aria-label') || item?.textContent || '';
  });
  const read = (word: string) => Number(new RegExp(`${word}: (\\d+)`, 'i').exec(label)?.[1] ?? 0);
  return { counts: { errors: read('Errors?'), warnings: read('Warnings?'), infos: read('Infos?') }, label };
}

/** Waits until the status bar shows exactly `expected` (network findings arrive after the registry answers). */
async function waitForProblemCounts(expected: Counts): Promise<void> {
  const deadline = Date.now() + NETWORK_WAIT;
  let last = await problemCounts();
  while (Date.now() < deadline) {
    last = await problemCounts();
    if (JSON.stringify(last.counts) === JSON.stringify(expected)) return;
    await page.waitForTimeout(250);
  }
  assert.deepEqual(
    last.counts,
    expected,
    `status bar says "${last.label}"; the CLI found ${JSON.stringify(expected)}. Problems panel:\n${await problemsPanelText()}`,
  );
}

/** Online: the shield icon (starting, offline, degraded and stopped show other icons). */
async function waitForStatusOnline(): Promise<void> {
  const online = await page
    .waitForFunction(
      () => !!document.querySelector('.statusbar-item[id$="imageTrust.status"] .codicon-shield'),
      undefined,
      { timeout: NETWORK_WAIT },
    )
    .then(
      () => true,
      () => false,
    );
  const html = await page.evaluate(
    () => document.querySelector('.statusbar-item[id$="imageTrust.status"]')?.outerHTML ?? '(no Image Trust item)',
  );
  assert.ok(online, `the status item is not online: ${html}`);
}

async function problemsPanelText(): Promise<string> {
  await page.keyboard.press('Control+Shift+M');
  const panel = page.locator('.markers-panel');
  await panel
    .locator('.monaco-list-row')
    .first()
    .waitFor({ timeout: UI_WAIT })
    .catch(() => undefined);
  const text = await panel.innerText().catch(() => '(no Problems panel)');
  await page.keyboard.press('Control+Shift+M');
  return text;
}

async function showHoverAt(line: number, column: number): Promise<string> {
  await goTo(line, column);
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').first();
  await hover.waitFor({ timeout: UI_WAIT });
  // Marker hovers show at once; ours (its first line: tier · whether the policy trusts it) follows
  // when the registry and Hub have answered.
  await page
    .waitForFunction(
      () =>
        /(trusted|not trusted) by your policy/.test(
          document.querySelector('.monaco-hover:not(.hidden) .monaco-hover-content')?.textContent ?? '',
        ),
      undefined,
      { timeout: NETWORK_WAIT },
    )
    .catch(() => undefined);
  return hover.innerText();
}

/**
 * The ranges of the squiggles drawn in the editor, as "line:column-endColumn" (1-based, end
 * exclusive, as the CLI's JSON), read from where Monaco draws them: each squiggle's left edge and
 * width over the width of a character (the editor font is monospaced), its line from the line
 * number drawn at the same height.
 */
async function squiggleRanges(): Promise<string[]> {
  const ranges = await page.evaluate(() => {
    const editor = document.querySelector('.part.editor .monaco-editor');
    const lines = editor?.querySelector('.view-lines');
    if (!editor || !lines) return [];
    let charWidth = 0;
    for (const line of editor.querySelectorAll('.view-line > span')) {
      const length = (line.textContent ?? '').length;
      if (length > 0) charWidth = Math.max(charWidth, line.getBoundingClientRect().width / length);
    }
    const numbers = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].map((n) => ({
      top: n.getBoundingClientRect().top,
      line: Number((n.textContent ?? '').trim()),
    }));
    const origin = lines.getBoundingClientRect().left;
    const out = new Set<string>();
    for (const squiggle of editor.querySelectorAll('.squiggly-error, .squiggly-warning, .squiggly-info')) {
      const box = squiggle.getBoundingClientRect();
      const line = numbers.find((n) => Math.abs(n.top - box.top) < 2)?.line;
      const start = Math.round((box.left - origin) / charWidth) + 1;
      const end = Math.round((box.left + box.width - origin) / charWidth) + 1;
      out.add(`${line}:${start}-${end}`);
    }
    return [...out];
  });
  return ranges.sort();
}

/** What the extension wrote to its "Image Trust" output channel (code-server keeps it under the user data). */
function imageTrustLog(): string {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/Image Trust\.log$/.test(entry.name)) found.push(readFileSync(path, 'utf8'));
    }
  };
  const logs = join(work, 'user-data', 'logs');
  if (existsSync(logs)) walk(logs);
  return found.join('\n') || '(no Image Trust log found)';
}

/** Waits until the file exists and its text `holds` (the caller then asserts its bytes), or the deadline. */
async function untilFile(
  path: string,
  holds: (text: string) => boolean,
  deadline = Date.now() + UI_WAIT,
): Promise<void> {
  while (Date.now() < deadline && !(existsSync(path) && holds(readFileSync(path, 'utf8'))))
    await page.waitForTimeout(250);
}

/**
 * Waits for `locator`; when it does not come, the failure says what the page showed instead (the
 * code action menu, the quick pick, the notifications, and the text of `around`, where it was
 * looked for) and keeps a screenshot, since a CI run leaves nothing else to look at.
 */
async function shown(locator: Locator, timeout: number, what: string, around?: Locator): Promise<void> {
  const came = await locator.waitFor({ timeout }).then(
    () => true,
    () => false,
  );
  if (came) return;
  const shot = `failed-${what.replace(/\W+/g, '-')}.png`;
  await page.screenshot({ path: join(SHOTS, shot) }).catch(() => undefined);
  const onScreen = await page
    .locator('.action-widget, .quick-input-widget, .notifications-toasts, .monaco-dialog-box')
    .allInnerTexts()
    .catch(() => []);
  const where = around ? `\nWhere it was looked for: ${await around.innerText().catch(() => '(gone)')}` : '';
  assert.fail(
    `${what}: not shown in ${timeout} ms (${shot}).${where}\nOn screen: ${onScreen.join(' | ') || '(none of the widgets)'}\nImage Trust log:\n${imageTrustLog()}`,
  );
}

/** Runs a command from the palette by its title, as a user would. */
async function runCommand(title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: UI_WAIT });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: UI_WAIT });
  await page.keyboard.press('Enter');
}

/** The tooltip of the Image Trust status bar item, shown by hovering it. */
async function statusTooltip(): Promise<string> {
  const item = page.locator('.statusbar-item[id$="imageTrust.status"]').first();
  await item.waitFor({ timeout: UI_WAIT });
  await page.mouse.move(10, 10);
  await item.hover();
  const tooltip = page
    .locator('.workbench-hover, .monaco-hover:not(.hidden)')
    .filter({ hasText: 'Image Trust' })
    .first();
  await tooltip.waitFor({ timeout: UI_WAIT });
  const text = await tooltip.innerText();
  await page.mouse.move(10, 10);
  return text;
}

test('before any registry was asked the status says so, with its actions', { timeout: 3 * 60_000 }, async () => {
  // YAML activates the extension (the policy file is YAML); notes.yaml is not a file it checks,
  // so nothing is looked up.
  await openFile('notes.yaml');
  const text = await statusTooltip();
  assert.match(text, /not asked yet/, text);
  assert.doesNotMatch(text, /online/i, text);
  for (const action of ['Refresh', 'Toggle Offline', 'Open Settings', 'Show Log'])
    assert.match(text, new RegExp(action));
  assert.equal(await problemCounts().then((p) => p.counts.errors + p.counts.warnings + p.counts.infos), 0);
});

test(
  'squiggles and the Problems count for a Dockerfile and a compose file match the CLI',
  { timeout: 5 * 60_000 },
  async () => {
    await openFile('Dockerfile');
    await waitForProblemCounts(await cliCounts([join(workspace, 'Dockerfile')]));
    await waitForStatusOnline();
    const squiggles = await page
      .locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning, .monaco-editor .squiggly-info')
      .count();
    assert.ok(squiggles > 0, 'no squiggles drawn in the Dockerfile');
    // Exactly where the CLI says: every finding's range, and no other.
    const cliRanges = [
      ...new Set(
        (await cliReport([join(workspace, 'Dockerfile')])).map((f) => {
          assert.equal(f.endLine, f.line, 'one-line findings in this Dockerfile');
          return `${f.line}:${f.column}-${f.endColumn}`;
        }),
      ),
    ].sort();
    assert.deepEqual(await squiggleRanges(), cliRanges);
    await page.screenshot({ path: join(SHOTS, '01-squiggles.png') });
    // Contributing the dockerfile language does not rename VS Code's own "Docker" language.
    const mode = (await page.locator('[id="status.editor.mode"]').first().innerText()).trim();
    assert.equal(mode, 'Docker');

    await openFile('compose.yaml');
    await waitForProblemCounts(await cliCounts([join(workspace, 'Dockerfile'), join(workspace, 'compose.yaml')]));
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.markers-panel');
    await panel.locator('.monaco-list-row').first().waitFor({ timeout: UI_WAIT });
    const text = await panel.innerText();
    for (const code of ['latest-tag', 'missing-tag', 'unofficial-image', 'unpinned-digest'])
      assert.match(text, new RegExp(code), `Problems panel lacks ${code}:\n${text}`);
    assert.match(text, /image-trust/);
    assert.match(text, /compose\.yaml/);
    assert.match(text, /Dockerfile/);
    await page.screenshot({ path: join(SHOTS, '02-problems.png') });
    await page.keyboard.press('Control+Shift+M');
  },
);

test(
  'the hover puts the Hub tier first, with a codicon and links, in a dark theme',
  { timeout: 4 * 60_000 },
  async () => {
    await openFile('Dockerfile');
    const official = await showHoverAt(1, 8);
    assert.match(official, /^\s*Docker Official Image · trusted by your policy/m, official);
    // From Docker Hub's answer, not from the library/ namespace alone.
    assert.match(official, /Official build of Nginx\./, official);
    assert.ok(await page.locator('.monaco-hover:not(.hidden) .codicon-verified-filled').count(), 'tier codicon drawn');
    for (const link of ['Pin', 'Open on Docker Hub'])
      assert.ok(
        await page.locator('.monaco-hover:not(.hidden) a', { hasText: link }).count(),
        `no "${link}" link in: ${official}`,
      );
    assert.equal(official.split(`@sha256:`).length <= 2, true);
    await page.keyboard.press('Escape');

    // The screenshots are in a dark theme (set in the user settings before start; this VS Code's
    // default is a light one, and its dark theme id is "Dark Modern").
    await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: UI_WAIT });
    const community = await showHoverAt(2, 8);
    assert.match(community, /Community publisher · not trusted by your policy/, community);
    assert.match(community, /unofficial-image/);
    await page.screenshot({ path: join(SHOTS, '03-hover.png') });
    await page.keyboard.press('Escape');
  },
);

test('the quick fix "Pin to digest" writes the digest the local registry serves', { timeout: 5 * 60_000 }, async () => {
  await openFile('Dockerfile');
  await goTo(1, 8);
  await page.keyboard.press('Control+.');
  const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Pin to digest' }).first();
  await item.waitFor({ timeout: NETWORK_WAIT });
  await page.screenshot({ path: join(SHOTS, '04-quick-fix.png') });
  await item.click();
  await page.locator('.view-line', { hasText: '@sha256:' }).first().waitFor({ timeout: UI_WAIT });
  await page.keyboard.press('Control+S');
  const path = join(workspace, 'Dockerfile');
  await untilFile(path, (text) => text.includes('@sha256:'));
  const lines = readFileSync(path, 'utf8').split('\n');
  assert.equal(lines[0], `FROM nginx:1.27@${nginxDigest} AS web`);
  assert.equal(lines[1], 'FROM someuser/nginx:1.25 AS extra', 'only the chosen reference changes');
  // The editor agrees with the CLI about the pinned file too: unpinned-digest is gone from line 1.
  await waitForProblemCounts(await cliCounts([path, join(workspace, 'compose.yaml')]));
  await page.screenshot({ path: join(SHOTS, '05-pinned.png') });
});

test('the status bar item says the registry is online and opens the log', { timeout: 3 * 60_000 }, async () => {
  const item = page.locator('.statusbar-item[id$="imageTrust.status"]').first();
  await item.waitFor({ timeout: UI_WAIT });
  assert.match((await item.innerText()).trim(), /Image Trust/);
  await waitForStatusOnline();
  await item.hover();
  const tooltip = page
    .locator('.workbench-hover, .monaco-hover:not(.hidden)')
    .filter({ hasText: 'Image Trust: online' })
    .first();
  await tooltip.waitFor({ timeout: UI_WAIT });
  const box = (await item.boundingBox())!;
  const shotTop = Math.max(0, box.y - 220);
  await page.screenshot({
    path: join(SHOTS, '06-status-bar.png'),
    clip: { x: 700, y: shotTop, width: 700, height: 900 - shotTop },
  });

  await item.click();
  // The click offers the actions; Show Log opens the Output panel with our channel.
  const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Show Log' }).first();
  await pick.waitFor({ timeout: UI_WAIT });
  const offered = await page.locator('.quick-input-widget .monaco-list-rows').first().innerText();
  for (const action of ['Refresh', 'Toggle Offline', 'Open Settings', 'Show Log'])
    assert.match(offered, new RegExp(action));
  await pick.click();
  const output = page.locator('.panel .output-view, .panel [id="workbench.panel.output"]').first();
  await output.waitFor({ timeout: UI_WAIT });
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('.panel select, .panel .monaco-select-box, .panel [aria-label]')].some(
        (e) =>
          /Image Trust/.test(e.value ?? '') ||
          /Image Trust/.test(e.getAttribute('title') ?? '') ||
          /Image Trust/.test(e.textContent ?? ''),
      ),
    { timeout: UI_WAIT },
  );
});

test(
  'pinning the workspace shows a preview, skips excluded files and writes what is applied',
  { timeout: 5 * 60_000 },
  async () => {
    const before = {
      notes: readFileSync(join(workspace, 'notes.yaml'), 'utf8'),
      hidden: readFileSync(join(workspace, 'hidden', 'Dockerfile'), 'utf8'),
      vendor: readFileSync(join(workspace, 'vendor', 'Dockerfile'), 'utf8'),
    };
    await runCommand('Image Trust: Pin All Images in the Workspace');
    // A modal lists every change and writes nothing until the user says Pin.
    const dialog = page.locator('.monaco-dialog-box').first();
    await dialog.waitFor({ timeout: NETWORK_WAIT });
    const listed = await dialog.innerText();
    assert.match(listed, /Pin 6 image references in 4 files to digests\?/, listed);
    assert.ok(listed.includes(`db.yml:2  →  postgres:16@${postgresDigest}`), listed);
    assert.ok(listed.includes(`db.yaml:8  →  postgres:16@${postgresDigest}`), listed);
    assert.ok(listed.includes(`compose.yaml:3  →  postgres:latest@${postgresDigest}`), listed);
    assert.ok(listed.includes(`Dockerfile:2  →  someuser/nginx:1.25@${someuserDigest}`), listed);
    assert.doesNotMatch(listed, /hidden|vendor/, listed);
    assert.equal(readFileSync(join(workspace, 'compose.yaml'), 'utf8').includes('@sha256:'), false);
    await page.screenshot({ path: join(SHOTS, '07-pin-workspace.png') });
    await dialog.getByRole('button', { name: 'Pin', exact: true }).click();
    const compose = join(workspace, 'compose.yaml');
    await untilFile(compose, (text) => text.includes('@sha256:'));
    assert.equal(
      readFileSync(compose, 'utf8'),
      `services:\n  db:\n    image: postgres:latest@${postgresDigest}\n  web:\n    image: nginx:latest@${nginxDigest}\n`,
    );
    assert.equal(
      readFileSync(join(workspace, 'Dockerfile'), 'utf8'),
      `FROM nginx:1.27@${nginxDigest} AS web\nFROM someuser/nginx:1.25@${someuserDigest} AS extra\nFROM nginx:latest@${nginxDigest}\nCOPY --from=extra /etc/nginx /etc/nginx\n`,
    );
    assert.equal(
      readFileSync(join(workspace, 'deploy', 'db.yaml'), 'utf8'),
      `apiVersion: apps/v1\nkind: StatefulSet\nspec:\n  template:\n    spec:\n      containers:\n        - name: db\n          image: postgres:16@${postgresDigest} # the database\n`,
    );
    assert.equal(
      readFileSync(join(workspace, 'ci', 'db.yml'), 'utf8'),
      `migrate:\n  image: postgres:16@${postgresDigest}\n  script: [true]\n`,
    );
    assert.equal(readFileSync(join(workspace, 'notes.yaml'), 'utf8'), before.notes, 'not a file of any kind');
    assert.equal(readFileSync(join(workspace, 'hidden', 'Dockerfile'), 'utf8'), before.hidden, 'files.exclude');
    assert.equal(readFileSync(join(workspace, 'vendor', 'Dockerfile'), 'utf8'), before.vendor, 'search.exclude');
  },
);

test(
  'the Container Images view lists every image of the workspace with its places',
  { timeout: 4 * 60_000 },
  async () => {
    const header = page.locator('.pane-header', { hasText: 'Container Images' }).first();
    await header.waitFor({ timeout: UI_WAIT });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const body = page.locator('.pane', { has: header }).locator('.monaco-list-rows').first();
    await page
      .locator('.pane', { has: header })
      .locator('.monaco-list-row', { hasText: 'someuser/nginx' })
      .first()
      .waitFor({ timeout: NETWORK_WAIT });
    const text = await body.innerText();
    // nginx: Dockerfile lines 1 and 3 and compose.yaml; the files excluded from pinning are listed
    // too (the view shows what the CLI walks).
    assert.match(text, /^nginx\s*5 places/m, text);
    // postgres: compose.yaml, the Kubernetes manifest deploy/db.yaml (a file kind found by content)
    // and ci/db.yml (included by .gitlab-ci.yml).
    assert.match(text, /^postgres\s*3 places · 16, latest/m, text);
    assert.match(text, /^someuser\/nginx\s*1 place/m, text);
    await page.screenshot({ path: join(SHOTS, '08-images-view.png') });
  },
);

test('offline mode: the status says so and no registry is asked', { timeout: 3 * 60_000 }, async () => {
  await runCommand('Image Trust: Toggle Offline Mode');
  // Attached, not visible: a narrow window may move the item into the status bar's overflow.
  await page
    .locator('.statusbar-item[id$="imageTrust.status"] .codicon-cloud-offline')
    .waitFor({ state: 'attached', timeout: UI_WAIT });
  const text = await statusTooltip();
  assert.match(text, /offline/i, text);
  await runCommand('Image Trust: Toggle Offline Mode');
  await page
    .locator('.statusbar-item[id$="imageTrust.status"] .codicon-shield')
    .waitFor({ state: 'attached', timeout: UI_WAIT });
});

test(
  '"Update Image to…" writes the picked tag, and "Trust namespace" writes .image-trust.yaml',
  { timeout: 5 * 60_000 },
  async () => {
    const file = join(workspace, 'update.Dockerfile');
    writeFileSync(file, 'FROM postgres:16.2\nFROM someuser/nginx:1.25\n');
    await openFile('update.Dockerfile');
    await goTo(1, 8);
    await runCommand('Image Trust: Update Image to…');
    // The registry has postgres 16.4: the picker lists it under its level.
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: '16.4' }).first();
    await shown(row, NETWORK_WAIT, 'postgres 16.4 in the update picker');
    await page.screenshot({ path: join(SHOTS, '09-update-picker.png') });
    await row.click();
    await page.locator('.view-line', { hasText: 'postgres:16.4' }).first().waitFor({ timeout: UI_WAIT });

    await goTo(2, 8);
    await page.keyboard.press('Control+.');
    const trust = page.locator('.action-widget .monaco-list-row', { hasText: 'Trust namespace "someuser"' }).first();
    await shown(trust, NETWORK_WAIT, 'the quick fix Trust namespace');
    await trust.click();
    const policy = join(workspace, '.image-trust.yaml');
    await runCommand('File: Save All');
    const deadline = Date.now() + UI_WAIT;
    await untilFile(policy, (text) => text.includes('someuser'), deadline);
    assert.equal(
      readFileSync(policy, 'utf8'),
      [
        '# image-trust policy: read by the editor extension and by `image-trust lint` in CI.',
        '# Keys: trustedRegistries, trustedNamespaces, rules, maxImageAgeDays, signatureKeys (see docs/rules.md).',
        'trustedNamespaces:',
        '  - someuser',
        '',
      ].join('\n'),
    );
    await untilFile(file, (text) => !text.includes('16.2'), deadline);
    assert.equal(readFileSync(file, 'utf8'), 'FROM postgres:16.4\nFROM someuser/nginx:1.25\n');
  },
);

test(
  'the Container Images view updates an image everywhere to the newest patch, after a confirmation',
  { timeout: 5 * 60_000 },
  async () => {
    mkdirSync(join(workspace, 'legacy'));
    const dockerfile = join(workspace, 'legacy', 'Dockerfile');
    const compose = join(workspace, 'legacy', 'compose.yaml');
    writeFileSync(dockerfile, 'FROM nginx:1.27.1 AS web\r\nRUN true\r\n');
    writeFileSync(compose, 'services:\n  web:\n    image: nginx:1.27.1 # the old one\n');
    const untouched = {
      compose: readFileSync(join(workspace, 'compose.yaml'), 'utf8'),
      k8s: readFileSync(join(workspace, 'deploy', 'db.yaml'), 'utf8'),
    };
    const header = page.locator('.pane-header', { hasText: 'Container Images' }).first();
    await header.waitFor({ timeout: UI_WAIT });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    // The view refreshes when files change: nginx now has 1.27.1 among its tags, and once the
    // registry has answered, a newer one is known.
    const pane = page.locator('.pane', { has: header });
    const row = pane.locator('.monaco-list-row', { hasText: /^nginx\s*\d+ places.*1\.27\.1.* available/ }).first();
    await shown(row, NETWORK_WAIT, 'nginx with 1.27.1 and a newer version in the Container Images view', pane);
    // The command says in the log that it started. A click that ran nothing (the menu redrawn
    // under the pointer, or a click in the moment the menu opens, which VS Code's menu lets pass)
    // is tried again, at most three times, after closing whatever menu it left open.
    const started = () => imageTrustLog().match(/Update Everywhere to the newest patch: (\d+) place/g)?.length ?? 0;
    const before = started();
    const item = page.getByRole('menuitem', { name: 'Update Everywhere to the Newest Patch' });
    for (let attempt = 1; started() === before; attempt++) {
      if (attempt > 3) assert.fail(`the menu never ran the command\nImage Trust log:\n${imageTrustLog()}`);
      await page.keyboard.press('Escape');
      await row.click({ button: 'right' });
      await item.waitFor({ timeout: UI_WAIT });
      await item.hover();
      await page.waitForTimeout(300);
      await item.click({ timeout: UI_WAIT });
      const until = Date.now() + 15_000;
      while (started() === before && Date.now() < until) await page.waitForTimeout(250);
    }
    const dialog = page.locator('.monaco-dialog-box').first();
    // Its answer when nothing can be updated (a toast of an earlier step may still be shown).
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'patch release' }).first();
    await Promise.race([dialog.waitFor({ timeout: NETWORK_WAIT }), toast.waitFor({ timeout: NETWORK_WAIT })]).catch(
      () => undefined,
    );
    if (!(await dialog.isVisible())) {
      await page.screenshot({ path: join(SHOTS, 'update-everywhere-failed.png') });
      const toasts = await page.locator('.notifications-toasts .notification-toast').allInnerTexts();
      const said = toasts.length ? toasts.join(' | ') : '(nothing)';
      assert.fail(`no confirmation, but: ${said}\nImage Trust log:\n${imageTrustLog()}`);
    }
    const asked = await dialog.innerText();
    // Only the two places on 1.27.1 have a newer patch release (1.27.3); 1.27, latest and the
    // pinned ones stay.
    assert.match(asked, /Update 2 places to the newest patch release\?/, asked);
    assert.equal(readFileSync(dockerfile, 'utf8'), 'FROM nginx:1.27.1 AS web\r\nRUN true\r\n', 'nothing before Update');
    await dialog.getByRole('button', { name: 'Update', exact: true }).click();
    await runCommand('File: Save All');
    await untilFile(compose, (text) => !text.includes('1.27.1'));
    // Byte for byte: the CRLF line endings and the comment stay.
    assert.equal(readFileSync(dockerfile, 'utf8'), 'FROM nginx:1.27.3 AS web\r\nRUN true\r\n');
    assert.equal(readFileSync(compose, 'utf8'), 'services:\n  web:\n    image: nginx:1.27.3 # the old one\n');
    assert.equal(readFileSync(join(workspace, 'compose.yaml'), 'utf8'), untouched.compose);
    assert.equal(readFileSync(join(workspace, 'deploy', 'db.yaml'), 'utf8'), untouched.k8s);
  },
);

// Last: it restarts code-server with workspace trust on.
test(
  'Restricted Mode: the offline findings come, the status says why, and no registry is asked',
  { timeout: 8 * 60_000 },
  async () => {
    const file = join(workspace, 'restricted.Dockerfile');
    writeFileSync(file, 'FROM nginx:latest\nFROM someuser/nginx\n');
    const expected = (await cliReport([file], { offline: true })).map((f) => f.message);
    assert.ok(expected.length >= 2, `the CLI finds offline findings: ${expected.join(' | ')}`);
    const settingsFile = join(work, 'user-data', 'User', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(settingsFile, JSON.stringify({ ...settings, 'security.workspace.trust.enabled': true }, null, 2));
    await page.close();
    await killCodeServer();
    const asked = registry.requestCount();
    await openWorkbench(await startCodeServer());
    // The folder was never trusted: VS Code opens it in Restricted Mode (code-server shows the
    // banner and the status bar entry rather than the startup dialog).
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: UI_WAIT });
    await openFile('restricted.Dockerfile');
    const deadline = Date.now() + UI_WAIT;
    let problems = '';
    while (Date.now() < deadline && !expected.every((m) => problems.includes(m))) {
      problems = await problemsPanelText();
      await page.waitForTimeout(500);
    }
    for (const message of expected) assert.ok(problems.includes(message), `${message}\nnot in:\n${problems}`);
    let tooltip = '';
    while (Date.now() < deadline && !/Restricted Mode/.test(tooltip)) {
      tooltip = await statusTooltip().catch(() => '');
      await page.waitForTimeout(500);
    }
    assert.match(tooltip, /Restricted Mode/, tooltip);
    await page.screenshot({ path: join(SHOTS, '10-restricted-mode.png') });
    assert.equal(registry.requestCount(), asked, 'no registry request in Restricted Mode');
  },
);
