// 2. Whole-repository lint, offline: `image-trust lint --offline` over 1,000 generated Dockerfiles
// and compose files, against the same files through dockerfile-utils in a loop (bench/peerLint.mjs).
// Both run as a command over a folder (a process each, startup included), in turn, best of five.
import { join } from 'node:path';
import { CLI_PATH } from '../test/support/runCli';
import { writeOtherKinds, writeRepositoryCorpus } from './corpus';
import { runNode } from './nodeProcess';

export interface LintComparison {
  label: string;
  files: number;
  ours: { ms: number; filesPerSecond: number; findings: number };
  /** Absent for the kinds the peer does not read. */
  peer?: { ms: number; filesPerSecond: number; diagnostics: number };
}

/** Rounds of each command (ours and the peer alternate); the fastest of each counts. */
const RUNS = 5;

async function best(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; stdout: string }> {
  const [fastest] = await bestSideBySide([args], env);
  return fastest;
}

/**
 * Each command once in turn, RUNS rounds, the fastest run of each: ours and the peer alternate, so
 * a load that rises or falls during the bench weighs on both alike.
 */
async function bestSideBySide(
  commands: string[][],
  env: NodeJS.ProcessEnv,
): Promise<Array<{ ms: number; stdout: string }>> {
  const fastest: Array<{ ms: number; stdout: string } | undefined> = commands.map(() => undefined);
  for (let i = 0; i < RUNS; i++) {
    for (const [c, args] of commands.entries()) {
      const r = await runNode(args, { env });
      if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-500)}`);
      if (!fastest[c] || r.ms < fastest[c].ms) fastest[c] = r;
    }
  }
  return fastest.map((f) => f!);
}

export async function benchLint(workDir: string, log: (s: string) => void): Promise<LintComparison[]> {
  const root = join(workDir, 'repository');
  const files = writeRepositoryCorpus(root, 1000);
  const dockerfiles = files.filter((f) => f.kind === 'dockerfile').map((f) => join(root, f.path));
  const env = { IMAGE_TRUST_CACHE_DIR: '', NO_COLOR: '1' };
  const peerScript = join(__dirname, 'peerLint.mjs');
  const comparisons: Array<{ label: string; paths: string[]; count: number }> = [
    {
      label: `${files.length} files (${dockerfiles.length} Dockerfiles, ${files.length - dockerfiles.length} compose)`,
      paths: [root],
      count: files.length,
    },
    { label: `the ${dockerfiles.length} Dockerfiles alone`, paths: dockerfiles, count: dockerfiles.length },
  ];
  const results: LintComparison[] = [];
  for (const c of comparisons) {
    log(`  lint: ${c.label}`);
    const [ours, peer] = await bestSideBySide(
      [
        [CLI_PATH, 'lint', ...c.paths, '--offline', '--fail-on', 'never', '--format', 'json'],
        [peerScript, ...c.paths],
      ],
      env,
    );
    const report = JSON.parse(ours.stdout) as { files: Array<{ findings: unknown[] }> };
    if (report.files.length !== c.count)
      throw new Error(`image-trust lint reported ${report.files.length} files, expected ${c.count}`);
    const peerReport = JSON.parse(peer.stdout) as { files: number; diagnostics: number };
    if (peerReport.files !== c.count)
      throw new Error(`the peer checked ${peerReport.files} files, expected ${c.count}`);
    results.push({
      label: c.label,
      files: c.count,
      ours: {
        ms: ours.ms,
        filesPerSecond: (c.count * 1000) / ours.ms,
        findings: report.files.reduce((n, f) => n + f.findings.length, 0),
      },
      peer: { ms: peer.ms, filesPerSecond: (c.count * 1000) / peer.ms, diagnostics: peerReport.diagnostics },
    });
  }
  // Kubernetes, Helm, CI and dev container files: no peer reads them; ours alone, for the record.
  const others = writeOtherKinds(join(workDir, 'other-kinds'), 200);
  log(`  lint: ${others.length} Kubernetes, Helm, CI, dev container and bake files`);
  const ours = await best(
    [CLI_PATH, 'lint', join(workDir, 'other-kinds'), '--offline', '--fail-on', 'never', '--format', 'json'],
    env,
  );
  const report = JSON.parse(ours.stdout) as { files: Array<{ findings: unknown[] }> };
  if (report.files.length !== others.length)
    throw new Error(`image-trust lint reported ${report.files.length} files, expected ${others.length}`);
  results.push({
    label: `${others.length} Kubernetes, Helm, CI, dev container and bake files`,
    files: others.length,
    ours: {
      ms: ours.ms,
      filesPerSecond: (others.length * 1000) / ours.ms,
      findings: report.files.reduce((n, f) => n + f.findings.length, 0),
    },
  });
  return results;
}
