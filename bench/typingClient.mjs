// The typing bench's LSP client: a process of its own, plain Node, no TypeScript loader, holding
// nothing but the last message. It types into dist/server.js over stdio and times each keystroke,
// so the figures are the server's and the pipe's, not the bench process's (which holds the corpus,
// the core and the peers, and whose garbage collections landed inside keystrokes it was timing).
// Each message goes out as one write (header and body), as Neovim's client sends them.
//   node bench/typingClient.mjs JOB.json   → prints one JSON line with the samples
// JOB: { server, rootUri, settings, uri, languageId, text, edits, warmup, earlyFrom, recorded,
//        mode: 'push' | 'pull', opens: [uri...], budgetMs }
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const server = spawn(process.execPath, [job.server, '--stdio'], {
  stdio: ['pipe', 'pipe', 'ignore'],
  env: { ...process.env, IMAGE_TRUST_CACHE_DIR: '' },
});

const pending = new Map();
let nextId = 0;
/** The last publishDiagnostics per URI: { version, bytes }. */
const published = new Map();
const publishWaiters = [];
let buffer = Buffer.alloc(0);

server.stdout.on('data', (chunk) => {
  buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
  for (;;) {
    const headerEnd = buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const length = Number(/Content-Length: *(\d+)/i.exec(buffer.toString('ascii', 0, headerEnd))?.[1]);
    if (buffer.length < headerEnd + 4 + length) return;
    const body = buffer.toString('utf8', headerEnd + 4, headerEnd + 4 + length);
    buffer = buffer.subarray(headerEnd + 4 + length);
    receive(JSON.parse(body));
  }
});

function receive(message) {
  if (message.method && message.id !== undefined) {
    // Requests from the server: configuration, registrations, progress, refreshes.
    const result = message.method === 'workspace/configuration' ? message.params.items.map(() => job.settings) : null;
    send({ jsonrpc: '2.0', id: message.id, result });
  } else if (message.id !== undefined) {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    waiter?.(message);
  } else if (message.method === 'textDocument/publishDiagnostics') {
    const { uri, version, diagnostics } = message.params;
    published.set(uri, { version, bytes: JSON.stringify(diagnostics).length });
    for (const w of publishWaiters.splice(0)) w();
  }
}

function send(message) {
  const body = JSON.stringify(message);
  server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

function request(method, params) {
  const id = ++nextId;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    send({ jsonrpc: '2.0', id, method, params });
  });
}

function notify(method, params) {
  send({ jsonrpc: '2.0', method, params });
}

async function publishedVersion(uri, version) {
  const deadline = Date.now() + 60_000;
  while (published.get(uri)?.version !== version) {
    if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri} version ${version} in 60 s`);
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 200);
      publishWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

const pull = job.mode === 'pull';
await request('initialize', {
  processId: process.pid,
  rootUri: job.rootUri,
  workspaceFolders: [{ uri: job.rootUri, name: 'bench' }],
  capabilities: {
    workspace: { configuration: true, ...(pull ? { diagnostics: { refreshSupport: true } } : {}) },
    textDocument: {
      publishDiagnostics: { versionSupport: true },
      ...(pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
    },
  },
  initializationOptions: { settings: job.settings },
});
notify('initialized', {});

// didOpen → first diagnostics, each open a new URI (push clients only).
const opens = [];
for (const uri of pull ? [] : job.opens) {
  const before = performance.now();
  notify('textDocument/didOpen', { textDocument: { uri, languageId: job.languageId, version: 1, text: job.text } });
  await publishedVersion(uri, 1);
  opens.push(performance.now() - before);
  notify('textDocument/didClose', { textDocument: { uri } });
}

notify('textDocument/didOpen', {
  textDocument: { uri: job.uri, languageId: job.languageId, version: 1, text: job.text },
});
let resultId;
if (pull) resultId = (await request('textDocument/diagnostic', { textDocument: { uri: job.uri } })).result.resultId;
else await publishedVersion(job.uri, 1);

const samples = [];
const early = [];
let bytes = 0;
let pushed = 0;
let unchanged = 0;
const started = performance.now();
for (const [i, edit] of job.edits.entries()) {
  const version = i + 2;
  const before = performance.now();
  notify('textDocument/didChange', { textDocument: { uri: job.uri, version }, contentChanges: [edit] });
  let report;
  if (pull) {
    report = (await request('textDocument/diagnostic', { textDocument: { uri: job.uri }, previousResultId: resultId }))
      .result;
    resultId = report.resultId;
  } else {
    // The server pushes only diagnostics that changed, so a keystroke may publish nothing: a request
    // it answers at once with an error (`$/` methods it does not know, LSP 3.17 "Dollar Requests")
    // comes back after the check, and after its publishDiagnostics when there is one.
    await request('$/imageTrust/benchBarrier', null);
  }
  const elapsed = performance.now() - before;
  if (job.warmup > job.earlyFrom && i >= job.earlyFrom && i < job.earlyFrom + job.recorded) early.push(elapsed);
  if (i < job.warmup) continue;
  samples.push(elapsed);
  if (pull) {
    if (report.kind === 'unchanged') unchanged++;
    bytes += JSON.stringify(report.items ?? []).length;
  } else {
    const latest = published.get(job.uri);
    if (latest?.version === version) {
      pushed++;
      bytes += latest.bytes;
    }
  }
  if (samples.length >= job.recorded && performance.now() - started > job.budgetMs) break;
}

await request('shutdown', null);
notify('exit', null);
process.stdout.write(`${JSON.stringify({ samples, early, opens, bytes, pushed, unchanged })}\n`);
