// 1. Typing latency: didChange → publishDiagnostics through dist/server.js over stdio, one
// keystroke at a time (incremental changes, as VS Code sends them), against dockerfile-utils'
// validate() on the same text in process. The core alone (analyze + rules, in process) is timed
// too, so a miss can be placed on the core or on the LSP plumbing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { validate as dockerfileUtilsValidate } from 'dockerfile-utils';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { parseDocument } from 'yaml';
import { analyzeDocument, evaluateRules } from '../server/src/core/analyze';
import { defaultPolicy } from '../server/src/core/settings';
import { LspTestClient } from '../test/support/lspClient';
import { generateCompose, generateDockerfile, smallDockerfile } from './corpus';
import { percentile } from './stats';

export interface Latency {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

export interface TypingResult {
  name: string;
  lines: number;
  bytes: number;
  ours: Latency;
  /** analyzeDocument + evaluateRules in process, no LSP. */
  core: Latency;
  peer: Latency & { label: string };
  /** Target for our p99, ms. */
  targetP99Ms?: number;
  /** Target for our p50 as a share of the peer's p50. */
  targetP50Ratio?: number;
  /** didOpen → first diagnostics through the server, ms (median of a few opens). */
  openToFirstDiagnosticsMs: number;
  /** JSON bytes of the diagnostics pushed per recorded keystroke (mean; none when nothing changed). */
  pushBytesPerKeystroke: number;
  /** Recorded keystrokes that changed the diagnostics, so were pushed. */
  pushed: number;
  /** The same keystrokes from a client that pulls (`textDocument/diagnostic` with the last resultId), as VS Code does. */
  pull: Latency & { unchanged: number; bytesPerKeystroke: number };
}

interface TypingCase {
  name: string;
  fileName: string;
  languageId: string;
  kind: 'dockerfile' | 'compose';
  text: string;
  edits: number;
  warmup: number;
  targetP99Ms?: number;
  targetP50Ratio?: number;
}

/**
 * Keystrokes sent and not recorded (JIT warm-up: the first keystrokes of a cold server cost several
 * times the rest), then keystrokes recorded. The server, the core and the peer see the same texts.
 */
const WARMUP = 200;
const RECORDED = 300;
/** Time per case, so a slow file or peer cannot stretch the run: each stops after this once it has MINIMUM_SAMPLES recorded keystrokes. */
const SERVER_BUDGET_MS = 60_000;
const IN_PROCESS_BUDGET_MS = 30_000;
const MINIMUM_SAMPLES = RECORDED;
/** Opens of the document (each a new URI) for the open → first diagnostics figure. */
const OPENS = 5;

/** Where a person types: just after an image reference, or at the end of any other line. */
function typingPositions(text: string): Array<{ line: number; character: number }> {
  const positions: Array<{ line: number; character: number }> = [];
  text.split('\n').forEach((line, i) => {
    const from = /^(FROM\s+(?:--\S+\s+)*)(\S+)/i.exec(line);
    const image = /^(\s+image:\s*"?)([^"\s}]+)/.exec(line);
    if (from) positions.push({ line: i, character: from[1].length + from[2].length });
    else if (image) positions.push({ line: i, character: image[1].length + image[2].length });
    else if (line.trim()) positions.push({ line: i, character: line.length });
  });
  return positions;
}

/**
 * Keystrokes in pairs: type a character, then delete it, so the text does not drift; every
 * third pair lands on an image reference, the others on ordinary lines.
 */
function keystrokes(text: string, count: number): TextDocumentContentChangeEvent[] {
  const positions = typingPositions(text);
  const onReference = positions.filter((p) => /^(FROM|\s+image:)/i.test(text.split('\n')[p.line]));
  const edits: TextDocumentContentChangeEvent[] = [];
  for (let i = 0; edits.length < count; i++) {
    const pool = i % 3 === 0 && onReference.length ? onReference : positions;
    const at = pool[(i * 7919) % pool.length];
    const char = '1';
    edits.push({ range: { start: at, end: at }, text: char });
    edits.push({ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' });
  }
  return edits.slice(0, count);
}

function latency(samples: number[]): Latency {
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples.length ? Math.max(...samples) : Number.NaN,
    samples: samples.length,
  };
}

/** Every text the document goes through, in order (the same for the server, the core and the peer). */
function textsAfter(text: string, edits: TextDocumentContentChangeEvent[], languageId: string): string[] {
  let document = TextDocument.create('bench:doc', languageId, 1, text);
  return edits.map((edit, i) => {
    document = TextDocument.update(document, [edit], i + 2);
    return document.getText();
  });
}

/** Runs `work` on each text until all are done or `budgetMs` is spent (at least `minimum` of them). */
function timeEach(
  texts: string[],
  warmup: number,
  work: (text: string) => unknown,
  budgetMs: number,
  minimum = MINIMUM_SAMPLES,
): number[] {
  for (const t of texts.slice(0, warmup)) work(t);
  const samples: number[] = [];
  const started = performance.now();
  for (const t of texts.slice(warmup)) {
    const before = performance.now();
    work(t);
    samples.push(performance.now() - before);
    if (samples.length >= minimum && performance.now() - started > budgetMs) break;
  }
  return samples;
}

/**
 * Keystrokes one after another, each timed until the server has checked it; stops early past
 * `budgetMs` once `minimum` samples are in. The server pushes only diagnostics that changed, so a
 * keystroke that changes none publishes nothing: each didChange is followed by a request the server
 * answers with an error at once (`$/` methods it does not know, LSP 3.17 "Dollar Requests").
 * Messages are handled in order and a didChange is checked before the next message, so the answer
 * comes after the check, and after its publishDiagnostics when there is one.
 */
async function measureServer(
  client: LspTestClient,
  uri: string,
  testCase: TypingCase,
  edits: TextDocumentContentChangeEvent[],
): Promise<{ samples: number[]; bytes: number; published: number }> {
  client.open(uri, testCase.languageId, testCase.text);
  await client.diagnosticsFor(uri, (d) => d.version === 1, 30_000);
  const samples: number[] = [];
  let bytes = 0;
  let published = 0;
  const started = performance.now();
  for (const [i, edit] of edits.entries()) {
    const version = i + 2;
    const before = performance.now();
    void client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [edit],
    });
    await client.connection.sendRequest('$/imageTrust/benchBarrier').catch(() => undefined);
    const elapsed = performance.now() - before;
    const latest = client.latest(uri);
    if (i >= testCase.warmup) {
      samples.push(elapsed);
      if (latest?.version === version) {
        published++;
        bytes += JSON.stringify(latest.diagnostics).length;
      }
    }
    if (samples.length >= MINIMUM_SAMPLES && performance.now() - started > SERVER_BUDGET_MS) break;
  }
  client.close(uri);
  client.diagnostics.delete(uri);
  return { samples, bytes: bytes / Math.max(1, samples.length), published };
}

interface PullReport {
  kind: 'full' | 'unchanged';
  resultId?: string;
  items?: unknown[];
}

/** The same keystrokes from a client that pulls: didChange, then `textDocument/diagnostic` with the last resultId. */
async function measurePull(
  client: LspTestClient,
  uri: string,
  testCase: TypingCase,
  edits: TextDocumentContentChangeEvent[],
): Promise<{ samples: number[]; unchanged: number; bytes: number }> {
  const pull = (previousResultId: string | undefined) =>
    client.request<PullReport>('textDocument/diagnostic', { textDocument: { uri }, previousResultId });
  client.open(uri, testCase.languageId, testCase.text);
  let resultId = (await pull(undefined)).resultId;
  const samples: number[] = [];
  let unchanged = 0;
  let bytes = 0;
  const started = performance.now();
  for (const [i, edit] of edits.entries()) {
    const before = performance.now();
    void client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: i + 2 },
      contentChanges: [edit],
    });
    const report = await pull(resultId);
    resultId = report.resultId;
    if (i >= testCase.warmup) {
      samples.push(performance.now() - before);
      if (report.kind === 'unchanged') unchanged++;
      bytes += JSON.stringify(report.items ?? []).length;
    }
    if (samples.length >= MINIMUM_SAMPLES && performance.now() - started > SERVER_BUDGET_MS) break;
  }
  client.close(uri);
  return { samples, unchanged, bytes: bytes / Math.max(1, samples.length) };
}

export async function benchTyping(workDir: string, log: (s: string) => void): Promise<TypingResult[]> {
  const cases: TypingCase[] = [
    {
      name: 'Dockerfile, 50 lines',
      fileName: 'small/Dockerfile',
      languageId: 'dockerfile',
      kind: 'dockerfile',
      text: smallDockerfile(),
      edits: WARMUP + RECORDED,
      warmup: WARMUP,
      targetP99Ms: 2,
    },
    {
      name: 'Dockerfile, 5,000 lines',
      fileName: 'large/Dockerfile',
      languageId: 'dockerfile',
      kind: 'dockerfile',
      text: generateDockerfile(5000, 5000),
      edits: WARMUP + RECORDED,
      warmup: WARMUP,
      targetP50Ratio: 0.15,
    },
    {
      name: 'compose, 300 services',
      fileName: 'compose/compose.yaml',
      languageId: 'dockercompose',
      kind: 'compose',
      text: generateCompose(300, 300),
      edits: WARMUP + RECORDED,
      warmup: WARMUP,
      targetP50Ratio: 0.5,
    },
  ];
  const client = await LspTestClient.start({
    initializationOptions: { settings: { offline: true } },
    configuration: { offline: true },
    rootPath: workDir,
  });
  const pullClient = await LspTestClient.start({
    initializationOptions: { settings: { offline: true } },
    configuration: { offline: true },
    rootPath: workDir,
    pullDiagnostics: true,
  });
  const policy = defaultPolicy();
  const results: TypingResult[] = [];
  try {
    for (const testCase of cases) {
      const path = join(workDir, testCase.fileName);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, testCase.text);
      const uri = pathToFileURL(path).toString();
      const edits = keystrokes(testCase.text, testCase.edits);
      log(`  typing: ${testCase.name} (${edits.length} keystrokes)`);
      const opens: number[] = [];
      for (let i = 0; i < OPENS; i++) {
        const openUri = pathToFileURL(join(workDir, `open-${i}`, testCase.fileName)).toString();
        const before = performance.now();
        client.open(openUri, testCase.languageId, testCase.text);
        await client.diagnosticsFor(openUri, (d) => d.version === 1, 60_000);
        opens.push(performance.now() - before);
        client.close(openUri);
      }
      const ours = await measureServer(client, uri, testCase, edits);
      const pulled = await measurePull(pullClient, uri, testCase, edits);
      const texts = textsAfter(testCase.text, edits, testCase.languageId);
      const core = timeEach(
        texts,
        testCase.warmup,
        (t) => evaluateRules(analyzeDocument(t, testCase.kind), policy, { online: false }),
        IN_PROCESS_BUDGET_MS,
      );
      const peer =
        testCase.kind === 'dockerfile'
          ? {
              label: 'dockerfile-utils validate()',
              samples: timeEach(texts, testCase.warmup, (t) => dockerfileUtilsValidate(t), IN_PROCESS_BUDGET_MS),
            }
          : {
              label: 'yaml parseDocument() (no Dockerfile peer for compose)',
              samples: timeEach(texts, testCase.warmup, (t) => parseDocument(t), IN_PROCESS_BUDGET_MS),
            };
      results.push({
        name: testCase.name,
        lines: testCase.text.split('\n').length - 1,
        bytes: Buffer.byteLength(testCase.text),
        ours: latency(ours.samples),
        core: latency(core),
        peer: { label: peer.label, ...latency(peer.samples) },
        targetP99Ms: testCase.targetP99Ms,
        targetP50Ratio: testCase.targetP50Ratio,
        openToFirstDiagnosticsMs: percentile(opens, 50),
        pushBytesPerKeystroke: ours.bytes,
        pushed: ours.published,
        pull: { ...latency(pulled.samples), unchanged: pulled.unchanged, bytesPerKeystroke: pulled.bytes },
      });
    }
  } finally {
    await client.stop();
    await pullClient.stop();
  }
  return results;
}
