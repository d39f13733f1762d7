// `image-trust lint` and `image-trust pin`: the same core and facts service as the editor.
import { dirname, join, resolve } from 'node:path';
import { defaultCacheDir, HttpClient } from '../net';
import { DEFAULT_EXPORT_ECOSYSTEMS, downloadExport } from '../vuln/exportDownload';
import { platformFor } from '../core/platform';
import { existsSync, statSync } from 'node:fs';
import { analyzeDocument, evaluateRules, SEVERITY_RANK, type DocumentAnalysis } from '../core/analyze';
import type { ImageFacts } from '../core/facts';
import { defaultNetworkSettings, eolApiUrlFor, type NetworkSettings, type Policy } from '../core/settings';
import type { ImageReference } from '../core/types';
import { planPins } from '../features/pin';
import { writeFileAtomically } from '../services/atomicWrite';
import { composeEnvironment, findPolicyFile, loadPolicyFile } from '../services/documentContext';
import { factsWantedFor, withPlatforms, type FactsWanted } from '../services/imageFacts';
import { createNetwork, type Network } from '../services/network';
import { trustedRootFromFile } from '../signatures/trustedRoot';
import type { CliOptions } from './args';
import { collectFiles, CliError, readSource, type SourceText, type TargetFile } from '../workspace/files';
import { toCodeClimate } from './format/codeclimate';
import { toJson } from './format/json';
import { sortFindings, type LintReport } from './format/report';
import { toSarif } from './format/sarif';
import { toText } from './format/text';
import { LineIndex } from '../core/lineIndex';
import { unifiedDiff } from './unifiedDiff';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  version: string;
}

/**
 * References looked up at once, per connection a registry may have. A reference is a chain of
 * dependent requests (token, index, platform manifest, config, attestations), so one lane rarely
 * has a request out: with 16 lanes for 12 connections the connections sat idle between the links
 * of each chain. Four lanes per connection keep them busy; the connection limit still bounds the
 * requests per registry.
 */
const LOOKUP_LANES_PER_CONNECTION = 4;

export async function runCli(options: CliOptions, io: CliIo): Promise<number> {
  if (options.command === 'vulndb-update') return await updateVulnDb(options, io);
  const { policy, policyDir } = loadPolicy(options, io);
  // --platform stands in only where the policy says nothing (FROM --platform wins over both).
  if (options.platform && !policy.platform) policy.platform = options.platform;
  if (options.sigstoreTrustedRoot) {
    // A root that cannot be used is a configuration error, not a reason to trust another root.
    const root = trustedRootFromFile(options.sigstoreTrustedRoot);
    if (!root.ok) throw new CliError(root.error);
  }
  const warn = (message: string) => io.stderr(`image-trust: ${message}\n`);
  const files = collectFiles(options.paths, warn, {
    userGlobs: policy.files ? [{ base: policyDir ?? '', globs: policy.files }] : undefined,
  });
  const network = createNetwork(networkSettings(options, io.env));
  // One budget for the run: a registry that drips its answer cannot hold the run up past it.
  const budget = network.startRun();
  try {
    const analyzed: AnalyzedFile[] = [];
    for (const file of files) {
      try {
        analyzed.push(analyzeFile(file));
      } catch (error) {
        // A file found while searching a folder that cannot be read is skipped and said; one named
        // on the command line is an error.
        if (!(error instanceof CliError) || !file.found) throw error;
        warn(`${error.message}; skipped`);
      }
    }
    if (options.command === 'lint') return await lint(options, io, policy, analyzed, network, budget.signal);
    return await pin(options, io, analyzed, network, budget.signal);
  } finally {
    budget.dispose();
    await network.dispose();
  }
}

function networkSettings(options: CliOptions, env: NodeJS.ProcessEnv): NetworkSettings {
  const defaults = defaultNetworkSettings();
  return {
    ...defaults,
    offline: options.offline,
    registryMirrors: options.registryMirrors,
    insecureRegistries: options.insecureRegistries,
    hubUrl: options.hubUrl ?? defaults.hubUrl,
    eolApiUrl: eolApiUrlFor(options.eolUrl, options.eolRefresh, env),
    osvUrl: options.osvUrl,
    vulnDbDir: options.vulnDb,
    sigstoreTrustedRoot: options.sigstoreTrustedRoot,
    cacheDir: env.IMAGE_TRUST_CACHE_DIR,
    connectionsPerRegistry: options.connections,
    requestDeadlineMs: options.requestTimeoutMs,
    runBudgetMs: options.networkBudgetMs,
    trustedTokenRealms: options.trustedTokenRealms,
  };
}

async function updateVulnDb(options: CliOptions, io: CliIo): Promise<number> {
  const dir = options.vulnDb ?? join(io.env.IMAGE_TRUST_CACHE_DIR || defaultCacheDir(io.env), 'osv-exports');
  let ecosystems = options.ecosystems;
  // Before --ecosystem, ecosystems were named as arguments: still understood when no such path exists.
  const named = options.paths.filter((p) => !existsSync(p) && /^[A-Z][A-Za-z0-9.-]*$/.test(p));
  if (!ecosystems.length && named.length && named.length === options.paths.length) {
    io.stderr(`image-trust: taking ${named.join(', ')} as ecosystem names (use --ecosystem NAME)\n`);
    ecosystems = named;
  }
  if (!ecosystems.length) ecosystems = await ecosystemsInUse(options, io);
  let failed = 0;
  const http = new HttpClient({});
  for (const ecosystem of ecosystems) {
    const result = await downloadExport(http, { baseUrl: options.osvDataUrl, dir, ecosystem });
    if (!result.ok) {
      failed++;
      io.stderr(`image-trust: ${ecosystem}: ${result.message}\n`);
    } else if (result.mode === 'incremental')
      io.stderr(
        `${ecosystem}: ${result.records} record${result.records === 1 ? '' : 's'} changed since the last update (${result.bytes} bytes) → ${result.path}\n`,
      );
    else
      io.stderr(
        `${ecosystem}: ${result.bytes} bytes → ${result.path}${result.why ? ` (whole export again: ${result.why})` : ''}\n`,
      );
  }
  await http.close();
  return failed ? 2 : 0;
}

/**
 * The OSV ecosystems of the images the files at PATH use, from each image's release (its SBOM or
 * os-release, read as lint reads it: cached by layer digest), said on stderr. None readable: the
 * default set, said too.
 */
async function ecosystemsInUse(options: CliOptions, io: CliIo): Promise<string[]> {
  const { policy, policyDir } = loadPolicy(options, io);
  if (options.platform && !policy.platform) policy.platform = options.platform;
  const warn = (message: string) => io.stderr(`image-trust: ${message}\n`);
  const paths = options.paths.length ? options.paths : ['.'];
  const files = collectFiles(paths, warn, {
    userGlobs: policy.files ? [{ base: policyDir ?? '', globs: policy.files }] : undefined,
  });
  const images = new Map<string, { ref: ImageReference; platform: string }>();
  for (const file of files) {
    let analyzed: AnalyzedFile;
    try {
      analyzed = analyzeFile(file);
    } catch (error) {
      if (!(error instanceof CliError) || !file.found) throw error;
      warn(`${error.message}; skipped`);
      continue;
    }
    for (const r of analyzed.analysis.references) {
      if (!r.reference) continue;
      const platform = platformFor(r.occurrence, policy);
      images.set(`${r.reference.raw} ${platform}`, { ref: r.reference, platform });
    }
  }
  const found = new Map<string, string[]>();
  const network = createNetwork(networkSettings(options, io.env));
  const budget = network.startRun();
  try {
    for (const { ref, platform } of images.values()) {
      const shown = `${ref.familiarName}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''} (${platform})`;
      const answer = await network.inventories.read(
        { registry: ref.registry, repository: ref.repository },
        ref.digest ?? ref.tag ?? 'latest',
        platform,
        budget.signal,
      );
      if (answer.state !== 'known') {
        warn(
          `${shown}: its release is not known (${answer.state === 'notFound' ? `no such ${answer.missing}` : answer.reason})`,
        );
        continue;
      }
      const releases = new Set(answer.value.packages.map((p) => p.ecosystem).filter((e): e is string => !!e));
      if (!releases.size)
        warn(`${shown}: no OSV ecosystem for its packages${answer.value.distro ? ` (${answer.value.distro})` : ''}`);
      for (const release of releases) {
        const base = release.split(':')[0];
        const list = found.get(base) ?? [];
        list.push(`${release} in ${shown}`);
        found.set(base, list);
      }
    }
  } finally {
    budget.dispose();
    await network.dispose();
  }
  if (!found.size) {
    warn(
      `no image's release could be read from ${paths.join(', ')}; downloading ${DEFAULT_EXPORT_ECOSYSTEMS.join(', ')} (name others with --ecosystem)`,
    );
    return DEFAULT_EXPORT_ECOSYSTEMS;
  }
  for (const [base, where] of found) io.stderr(`${base}: used by ${where.join('; ')}\n`);
  return [...found.keys()];
}

function loadPolicy(options: CliOptions, io: CliIo): { policy: Policy; policyDir?: string } {
  let path = options.config;
  if (!path) {
    const first = resolve(options.paths[0] ?? '.');
    let dir = first;
    try {
      if (!statSync(first).isDirectory()) dir = dirname(first);
    } catch {
      dir = dirname(first);
    }
    path = findPolicyFile(dir);
  }
  if (!path) return { policy: loadPolicyFile('', '').policy };
  let loaded;
  try {
    loaded = loadPolicyFile(path);
  } catch (error) {
    throw new CliError(`${path}: cannot read the policy file (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  if (loaded.problems.length) {
    for (const p of loaded.problems)
      io.stderr(`${path}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.message}\n`);
    throw new CliError(
      `${path}: the policy file has ${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'}; fix ${loaded.problems.length === 1 ? 'it' : 'them'} first`,
    );
  }
  return { policy: loaded.policy, policyDir: dirname(resolve(path)) };
}

interface AnalyzedFile {
  file: TargetFile;
  source: SourceText;
  analysis: DocumentAnalysis;
}

function analyzeFile(file: TargetFile): AnalyzedFile {
  const source = readSource(file.path);
  const env = file.kind === 'compose' ? composeEnvironment(resolve(file.path)) : undefined;
  return {
    file,
    source,
    analysis: analyzeDocument(source.text, file.kind, env, { fileName: file.path }),
  };
}

async function gatherAll(
  network: Network,
  files: AnalyzedFile[],
  wanted: FactsWanted,
  policy?: Policy,
  signal?: AbortSignal,
): Promise<Map<string, ImageFacts>> {
  const refs = new Map<string, ImageReference>();
  const platforms = new Map<string, Set<string>>();
  for (const f of files)
    for (const r of f.analysis.references) {
      if (!r.reference) continue;
      refs.set(r.reference.raw, r.reference);
      if (policy) {
        const set = platforms.get(r.reference.raw) ?? new Set<string>();
        set.add(platformFor(r.occurrence, policy));
        platforms.set(r.reference.raw, set);
      }
    }
  const facts = new Map<string, ImageFacts>();
  const queue = [...refs.values()];
  const worker = async () => {
    for (let ref = queue.shift(); ref; ref = queue.shift()) {
      facts.set(
        ref.raw,
        network.settings.offline
          ? network.facts.offlineFacts(ref)
          : await network.facts.gather(ref, withPlatforms(wanted, platforms.get(ref.raw) ?? []), signal),
      );
    }
  };
  const lanes = LOOKUP_LANES_PER_CONNECTION * network.http.connectionsPerOrigin;
  await Promise.all(Array.from({ length: Math.min(lanes, queue.length) }, worker));
  return facts;
}

async function lint(
  options: CliOptions,
  io: CliIo,
  policy: Policy,
  files: AnalyzedFile[],
  network: Network,
  signal: AbortSignal,
): Promise<number> {
  const facts = await gatherAll(network, files, factsWantedFor(policy), policy, signal);
  const report: LintReport = { files: [], notes: [] };
  for (const f of files) {
    const findings = evaluateRules(f.analysis, policy, {
      online: !network.settings.offline,
      factsFor: (r) => (r.reference ? facts.get(r.reference.raw) : undefined),
    });
    report.files.push({ path: f.file.path, findings: sortFindings(findings) });
  }
  const lost = reportLosses(network, io);
  if (options.format === 'json') io.stdout(toJson(report));
  else if (options.format === 'sarif') io.stdout(toSarif(report, io.version));
  else if (options.format === 'codeclimate') io.stdout(toCodeClimate(report));
  else io.stdout(toText(report, options.color ?? (io.isTty && !io.env.NO_COLOR)));
  if (options.requireNetwork && lost > 0) return EXIT_NETWORK_MISSING;
  if (options.failOn === 'never') return 0;
  const threshold = SEVERITY_RANK[options.failOn];
  return report.files.some((f) => f.findings.some((x) => SEVERITY_RANK[x.severity] >= threshold)) ? 1 : 0;
}

/** `lint --require-network`: lookups failed and their findings are missing. */
export const EXIT_NETWORK_MISSING = 3;

/** Says once per service which lookups failed (never silent); returns how many services lost some. */
function reportLosses(network: Network, io: CliIo): number {
  const lost = network.losses.all();
  for (const l of lost) {
    const count = l.count === 1 ? 'a lookup' : `${l.count} lookups`;
    io.stderr(`image-trust: ${l.service}: ${count} failed, the findings that need them are missing: ${l.message}\n`);
  }
  // What the health knows beyond the recorded losses: the advisory source (OSV) failing.
  const said = new Set(lost.map((l) => l.service));
  const others = network.health().unreachable.filter((u) => !said.has(u.registry));
  for (const u of others)
    io.stderr(`image-trust: ${u.registry} could not be reached (${u.message}); its network findings are missing.\n`);
  return lost.length + others.length;
}

async function pin(
  options: CliOptions,
  io: CliIo,
  files: AnalyzedFile[],
  network: Network,
  signal: AbortSignal,
): Promise<number> {
  if (options.check) {
    let unpinned = 0;
    for (const f of files) {
      // The same plan `pin` writes from, without digests: what it would have to pin.
      const plan = planPins(f.analysis, () => undefined);
      unpinned += plan.unpinned;
      for (const u of plan.unpinnedAt) {
        const p = u.range.start;
        io.stdout(`${f.file.path}:${p.line + 1}:${p.character + 1}: ${u.reference} is not pinned to a digest\n`);
      }
    }
    io.stdout(
      unpinned ? `${unpinned} reference${unpinned === 1 ? '' : 's'} not pinned\n` : 'every reference is pinned\n',
    );
    return unpinned ? 1 : 0;
  }
  if (network.settings.offline) throw new CliError('pin needs the registry to resolve digests; remove --offline');
  const facts = await gatherAll(network, files, { digest: true }, undefined, signal);
  let pinned = 0;
  let failedCount = 0;
  let writeFailed = false;
  for (const f of files) {
    const plan = planPins(f.analysis, (r) => (r.reference ? facts.get(r.reference.raw) : undefined));
    for (const fail of plan.failed) {
      failedCount++;
      io.stderr(
        `${f.file.path}:${fail.range.start.line + 1}:${fail.range.start.character + 1}: cannot pin ${fail.reference}: ${fail.reason}\n`,
      );
    }
    if (plan.edits.length === 0) continue;
    if (!f.source.validUtf8) {
      writeFailed = true;
      io.stderr(`${f.file.path}: not valid UTF-8; not rewritten\n`);
      continue;
    }
    const lines = new LineIndex(f.source.text);
    const edits = plan.edits
      .map((e) => ({
        start: lines.offsetAt(e.range.start),
        end: lines.offsetAt(e.range.end),
        expected: e.expectedText,
        text: e.newText,
      }))
      .sort((a, b) => b.start - a.start);
    let next = f.source.text;
    for (const e of edits) {
      if (next.slice(e.start, e.end) !== e.expected)
        throw new CliError(`${f.file.path}: internal error: the edit does not match the file; nothing written`);
      next = next.slice(0, e.start) + e.text + next.slice(e.end);
    }
    if (options.dryRun) {
      io.stdout(unifiedDiff(f.file.path, f.source.text, next));
      pinned += edits.length;
      continue;
    }
    const bytes = Buffer.concat([
      f.source.hasBom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0),
      Buffer.from(next, 'utf8'),
    ]);
    const written = writeFileAtomically(f.file.path, f.source.bytes, bytes);
    if (!written.ok) {
      writeFailed = true;
      io.stderr(`${written.message}\n`);
      continue;
    }
    pinned += edits.length;
    io.stderr(`${f.file.path}: pinned ${edits.length} reference${edits.length === 1 ? '' : 's'}\n`);
  }
  io.stderr(
    `${options.dryRun ? 'would pin' : 'pinned'} ${pinned} reference${pinned === 1 ? '' : 's'}${failedCount ? `; ${failedCount} could not be pinned` : ''}\n`,
  );
  // Anything left unpinned (registry unreachable, no such tag, a variable without a value) is
  // exit 2, like a write that failed: the files are not what `pin` was asked to make them.
  return writeFailed || failedCount > 0 ? 2 : 0;
}
