// Known vulnerabilities, cold and warm: the time from opening a Dockerfile to a hover with the
// "Vulnerabilities" section for a Debian-based image whose packages come from its SBOM attestation,
// for one whose packages are read from its layers, and for one with a 16 MiB application layer
// under /var/www on top (streamed and closed early: the bytes row shows what the registry really
// sent, counted at the proxy, beside the size of the blobs asked for); the requests per image; and
// a warm CLI run (the disk cache answers everything). Real registry, local OSV API
// (test/vuln/vulnFixture.ts). Peer: a per-image scan loop of osv-scanner, trivy or grype, when one
// of them is installed here.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from '../test/support/lspClient';
import { runCli } from '../test/support/runCli';
import { debianLayers, dpkgStatusWithOpenssl, pushPackagedImage, type TarEntry } from '../test/support/vulnImages';
import { OLD_OPENSSL, startVulnWorld } from '../test/vuln/vulnFixture';
import { pack } from 'tar-stream';
import { gzipSync } from 'node:zlib';

export interface VulnImageRun {
  label: string;
  hoverMs: number;
  /** Registry requests (the /v2/ ping included). */
  requests: number;
  /** Blob GETs among them. */
  blobRequests: number;
  /** Body bytes of the blob GETs the registry sent (counted at the proxy). */
  bytes: number;
  /** Size of the blobs asked for: what downloading them whole would cost. */
  blobBytes: number;
  /** Requests to OSV. */
  osvRequests: number;
}

export interface VulnBenchResult {
  runs: VulnImageRun[];
  warmRequests: number;
  warmOsvRequests: number;
  warmMs: number;
  peer: string;
}

/** A gzipped tar of big entries, stored (level 0): random content does not compress anyway. */
async function tarGz(entries: TarEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => archive.on('end', () => resolve()));
  for (const e of entries) archive.entry({ name: e.name, mtime: new Date(0) }, e.content as Buffer);
  archive.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks), { level: 0 });
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
    // The Debian image again with an application layer on top: 16 MiB of incompressible files
    // under var/www, after var/lib/dpkg in the order layer tars are written.
    const app = await tarGz([{ name: 'var/www/html/app.bin', content: randomBytes(16 * 1024 * 1024) }]);
    const webapp = await pushPackagedImage(world.registry, 'team/webapp', '1', {
      'linux/amd64': { layers: [...(await debianLayers(dpkgStatusWithOpenssl(OLD_OPENSSL))), app] },
    });
    const sizes = Object.assign({}, webapp.blobSizes, ...Object.values(world.images).map((i) => i.blobSizes)) as Record<
      string,
      number
    >;
    const runs: VulnImageRun[] = [];
    for (const [label, image] of [
      ['Debian-based image, packages from the SBOM attestation', 'sbom:1.0'],
      ['Debian-based image, packages from its layers (dpkg status)', 'debian:12.7'],
      ['the same with a 16 MiB application layer on top (var/www)', 'webapp:1'],
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
      const osvBefore = world.osv.log.length;
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
      const blobGets = world.registry.log.filter((r) => r.kind === 'blobGet');
      const run: VulnImageRun = {
        label,
        hoverMs,
        requests: world.registry.log.length,
        blobRequests: blobGets.length,
        bytes: blobGets.reduce((sum, r) => sum + (r.bytesSent ?? 0), 0),
        blobBytes: blobGets.reduce((sum, r) => sum + (sizes[r.path.split('/').pop()!.split('?')[0]] ?? 0), 0),
        osvRequests: world.osv.log.length - osvBefore,
      };
      runs.push(run);
      log(
        `vulnerabilities: ${label}: ${Math.round(hoverMs)} ms, ${run.requests} requests (${run.blobRequests} blobs), ${run.bytes} of ${run.blobBytes} blob bytes sent, ${run.osvRequests} OSV requests`,
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
