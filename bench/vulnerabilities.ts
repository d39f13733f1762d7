// Known vulnerabilities, cold and warm: the time from opening a Dockerfile to a hover with the
// "Vulnerabilities" section for a Debian-based image whose packages come from its SBOM attestation
// and for one whose packages are read from its layers; the bytes and requests per image; and a
// warm CLI run (the disk cache answers everything). Real registry, local OSV API
// (test/vuln/vulnFixture.ts). Peer: a per-image scan loop of osv-scanner or trivy, when one of them
// can be installed here.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from '../test/support/lspClient';
import { runCli } from '../test/support/runCli';
import { startVulnWorld } from '../test/vuln/vulnFixture';

export interface VulnImageRun {
  label: string;
  hoverMs: number;
  requests: number;
  bytes: number;
}

export interface VulnBenchResult {
  runs: VulnImageRun[];
  warmRequests: number;
  warmOsvRequests: number;
  warmMs: number;
  peer: string;
}

function peerScanner(): string {
  for (const tool of ['osv-scanner', 'trivy', 'grype']) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
      return tool;
    } catch {
      // not installed
    }
  }
  return '';
}

export async function benchVulnerabilities(workDir: string, log: (s: string) => void): Promise<VulnBenchResult> {
  const world = await startVulnWorld();
  try {
    const runs: VulnImageRun[] = [];
    for (const [label, image] of [
      ['Debian-based image, packages from the SBOM attestation', 'sbom:1.0'],
      ['Debian-based image, packages from its layers (dpkg status)', 'debian:12.7'],
    ] as const) {
      const dir = mkdtempSync(join(workDir, 'vuln-'));
      const path = join(dir, 'Dockerfile');
      const text = `FROM ${world.host}/team/${image}\n`;
      writeFileSync(path, text);
      const client = await LspTestClient.start({
        initializationOptions: { settings: {}, machineSettings: { osvUrl: world.osv.url } },
        configuration: {},
        rootPath: dir,
        env: { IMAGE_TRUST_CACHE_DIR: '' },
      });
      world.registry.resetLog();
      const uri = pathToFileURL(path).toString();
      const started = performance.now();
      client.open(uri, 'dockerfile', text);
      let hoverMs = NaN;
      for (let i = 0; i < 600; i++) {
        const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
          textDocument: { uri },
          position: { line: 0, character: 8 },
        });
        if (hover?.contents.value.includes('**Vulnerabilities**')) {
          hoverMs = performance.now() - started;
          break;
        }
      }
      await client.stop();
      const sizes = Object.assign({}, ...Object.values(world.images).map((i) => i.blobSizes)) as Record<string, number>;
      const bytes = world.registry.log
        .filter((r) => r.kind === 'blobGet')
        .reduce((sum, r) => sum + (sizes[r.path.split('/').pop()!.split('?')[0]] ?? 0), 0);
      runs.push({ label, hoverMs, requests: world.registry.log.length, bytes });
      log(
        `vulnerabilities: ${label}: ${Math.round(hoverMs)} ms, ${world.registry.log.length} requests, ${bytes} blob bytes`,
      );
    }
    const dir = mkdtempSync(join(workDir, 'vuln-warm-'));
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${world.host}/team/debian:12.7\nFROM ${world.host}/team/sbom:1.0\n`);
    const cache = mkdtempSync(join(workDir, 'vuln-cache-'));
    const args = ['lint', '--format', 'json', '--fail-on', 'never', '--osv-url', world.osv.url, '.'];
    await runCli(args, { cwd: dir, env: { IMAGE_TRUST_CACHE_DIR: cache } });
    world.registry.resetLog();
    const osvBefore = world.osv.log.length;
    const started = performance.now();
    await runCli(args, { cwd: dir, env: { IMAGE_TRUST_CACHE_DIR: cache } });
    const warmMs = performance.now() - started;
    return {
      runs,
      warmRequests: world.registry.log.length,
      warmOsvRequests: world.osv.log.length - osvBefore,
      warmMs,
      peer: peerScanner(),
    };
  } finally {
    await world.stop();
  }
}
