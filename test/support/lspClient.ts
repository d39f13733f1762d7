// Starts the bundled dist/server.js over stdio, the way an editor does, and speaks LSP to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';

export const SERVER_PATH = join(__dirname, '..', '..', 'dist', 'server.js');

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: Array<{
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    severity?: number;
    code?: string | number;
    source?: string;
    message: string;
  }>;
}

export interface StartOptions {
  initializationOptions?: unknown;
  /** Answers to workspace/configuration for section imageTrust. */
  configuration?: unknown;
  env?: NodeJS.ProcessEnv;
  rootPath?: string;
  /** Workspace edits with documentChanges and file creation, as VS Code offers them. */
  resourceOperations?: boolean;
  /** Pull diagnostics (`textDocument/diagnostic` and `workspace/diagnostic/refresh`), as VS Code offers them. */
  pullDiagnostics?: boolean;
}

export class LspTestClient {
  readonly diagnostics = new Map<string, PublishedDiagnostics[]>();
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  readonly logs: string[] = [];
  readonly appliedEdits: unknown[] = [];
  /** `workspace/diagnostic/refresh` requests the server sent. */
  diagnosticRefreshes = 0;
  /** What the server answered to initialize. */
  initializeResult: { capabilities: Record<string, unknown> } = { capabilities: {} };
  private waiters: Array<() => void> = [];
  private versions = new Map<string, number>();

  private constructor(
    readonly process: ChildProcess,
    readonly connection: MessageConnection,
  ) {}

  static async start(options: StartOptions = {}): Promise<LspTestClient> {
    const child = spawn(process.execPath, [SERVER_PATH, '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, IMAGE_TRUST_CACHE_DIR: '', ...options.env },
    });
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const client = new LspTestClient(child, connection);
    child.stderr!.on('data', (d: Buffer) => client.logs.push(d.toString()));
    connection.onNotification((method, params) => {
      client.notifications.push({ method, params });
      if (method === 'textDocument/publishDiagnostics') {
        const p = params as PublishedDiagnostics;
        const list = client.diagnostics.get(p.uri) ?? [];
        list.push(p);
        client.diagnostics.set(p.uri, list);
      }
      if (method === 'window/logMessage') client.logs.push((params as { message: string }).message);
      client.wake();
    });
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) =>
      params.items.map(() => options.configuration ?? null),
    );
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/diagnostic/refresh', () => {
      client.diagnosticRefreshes++;
      client.wake();
      return null;
    });
    connection.onRequest('workspace/applyEdit', (params: unknown) => {
      client.appliedEdits.push(params);
      return { applied: true };
    });
    connection.listen();
    const root = options.rootPath ? pathToFileURL(options.rootPath).toString() : null;
    client.initializeResult = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: root,
      workspaceFolders: root ? [{ uri: root, name: 'test' }] : null,
      capabilities: {
        workspace: {
          configuration: true,
          applyEdit: true,
          didChangeWatchedFiles: { dynamicRegistration: true },
          ...(options.resourceOperations
            ? { workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] } }
            : {}),
          ...(options.pullDiagnostics ? { diagnostics: { refreshSupport: true } } : {}),
        },
        textDocument: {
          publishDiagnostics: { versionSupport: true },
          ...(options.pullDiagnostics
            ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } }
            : {}),
          codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'source'] } },
          },
          hover: { contentFormat: ['markdown'] },
        },
      },
      initializationOptions: options.initializationOptions,
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when `predicate` holds, checking after every notification; rejects after `ms`. */
  async waitFor<T>(predicate: () => T | undefined, ms = 60_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = predicate();
      if (value !== undefined && value !== false) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  open(uri: string, languageId: string, text: string): void {
    this.versions.set(uri, 1);
    void this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  change(uri: string, text: string): number {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    void this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  close(uri: string): void {
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** The latest diagnostics published for `uri` (optionally for a document version and later). */
  latest(uri: string): PublishedDiagnostics | undefined {
    const list = this.diagnostics.get(uri);
    return list?.[list.length - 1];
  }

  async diagnosticsFor(
    uri: string,
    accept: (d: PublishedDiagnostics) => boolean = () => true,
    ms = 60_000,
  ): Promise<PublishedDiagnostics> {
    return this.waitFor(
      () => {
        const d = this.latest(uri);
        return d && accept(d) ? d : undefined;
      },
      ms,
      `diagnostics for ${uri}`,
    );
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      void this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone.
    }
    this.connection.dispose();
    await new Promise<void>((resolve) => {
      if (this.process.exitCode !== null) return resolve();
      const timer = setTimeout(() => {
        this.process.kill('SIGKILL');
        resolve();
      }, 2000);
      this.process.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
