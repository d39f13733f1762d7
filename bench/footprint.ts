// 5. Footprint: server start to the initialize result, server memory (RSS) with 500 documents
// open, the size of dist/ and of the .vsix (packaged into the work folder, not the repository).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from '../test/support/lspClient';
import { writeRepositoryCorpus } from './corpus';
import { median } from './stats';

const ROOT = join(__dirname, '..');
const STARTS = 5;
const OPEN_DOCUMENTS = 500;

export interface FootprintResult {
  startToInitializeMs: number;
  rssIdleMb: number;
  rssOpenMb: number;
  openDocuments: number;
  distBundlesBytes: number;
  distTotalBytes: number;
  vsix: { bytes: number } | { error: string };
}

/** Resident memory of a process in MB (Linux /proc; `ps` elsewhere). */
async function rssMb(pid: number): Promise<number> {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
    if (Number.isFinite(kb)) return kb / 1024;
  } catch {
    // not Linux
  }
  const out = await new Promise<string>((resolve) => {
    const ps = spawn('ps', ['-o', 'rss=', '-p', String(pid)]);
    let text = '';
    ps.stdout.on('data', (d: Buffer) => (text += d.toString()));
    ps.on('close', () => resolve(text));
    ps.on('error', () => resolve(''));
  });
  return Number(out.trim()) / 1024;
}

function packageVsix(out: string): Promise<{ bytes: number } | { error: string }> {
  return new Promise((resolve) => {
    const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    const child = spawn(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (error) => resolve({ error: error.message }));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0)
        return resolve({ error: `vsce package exited ${code}: ${stderr.trim().split('\n').slice(-2).join(' ')}` });
      try {
        resolve({ bytes: statSync(out).size });
      } catch (error) {
        resolve({ error: (error as Error).message });
      }
    });
  });
}

export async function benchFootprint(workDir: string, log: (s: string) => void): Promise<FootprintResult> {
  log(`  footprint: ${STARTS} server starts`);
  const starts: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const before = performance.now();
    const client = await LspTestClient.start({
      initializationOptions: { settings: { offline: true } },
      configuration: { offline: true },
    });
    starts.push(performance.now() - before);
    await client.stop();
  }

  log(`  footprint: RSS with ${OPEN_DOCUMENTS} documents open`);
  const root = join(workDir, 'open-documents');
  const files = writeRepositoryCorpus(root, OPEN_DOCUMENTS, 23);
  const client = await LspTestClient.start({
    initializationOptions: { settings: { offline: true } },
    configuration: { offline: true },
    rootPath: root,
  });
  let rssIdleMb = 0;
  let rssOpenMb = 0;
  try {
    await new Promise((r) => setTimeout(r, 200));
    rssIdleMb = await rssMb(client.process.pid!);
    const uris = files.map((f) => {
      const uri = pathToFileURL(join(root, f.path)).toString();
      client.open(uri, f.kind === 'compose' ? 'dockercompose' : 'dockerfile', readFileSync(join(root, f.path), 'utf8'));
      return uri;
    });
    await client.waitFor(() => uris.every((u) => client.latest(u)), 60_000, `diagnostics for ${uris.length} documents`);
    rssOpenMb = await rssMb(client.process.pid!);
  } finally {
    await client.stop();
  }

  const dist = join(ROOT, 'dist');
  let distBundlesBytes = 0;
  let distTotalBytes = 0;
  // The three bundles and the libraries they load when a run needs them (dist/lazy/).
  for (const folder of [dist, join(dist, 'lazy')]) {
    for (const name of readdirSync(folder)) {
      const stat = statSync(join(folder, name));
      if (!stat.isFile()) continue;
      distTotalBytes += stat.size;
      if (name.endsWith('.js')) distBundlesBytes += stat.size;
    }
  }
  log('  footprint: vsce package');
  const vsix = await packageVsix(join(workDir, 'image-trust.vsix'));
  return {
    startToInitializeMs: median(starts),
    rssIdleMb,
    rssOpenMb,
    openDocuments: files.length,
    distBundlesBytes,
    distTotalBytes,
    vsix,
  };
}
