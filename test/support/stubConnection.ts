// An in-process stand-in for the LSP connection: records what the server registers and sends, and
// lets a test drive it (open a document, change settings, send a request) without a process or a
// transport. The protocol over stdio is tested with lspClient.ts.
import {
  CancellationTokenSource,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver';

type Handler = (...args: never[]) => unknown;

const disposable = { dispose() {} };

export class StubConnection {
  readonly handlers = new Map<string, Handler>();
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  readonly logs: Array<{ level: string; message: string }> = [];
  readonly shownWarnings: string[] = [];
  readonly appliedEdits: unknown[] = [];
  /** What workspace/configuration answers; undefined: the request fails like an editor without it. */
  configuration: unknown = undefined;
  configurationRequests = 0;
  applyEditResult: { applied: boolean; failureReason?: string } = { applied: true };
  private versions = new Map<string, number>();

  /** The stub typed as the connection the server takes. */
  get connection(): Connection {
    return this as unknown as Connection;
  }

  private on(name: string) {
    return (handler: Handler) => {
      this.handlers.set(name, handler);
      return disposable;
    };
  }
  onInitialize = this.on('initialize');
  onInitialized = this.on('initialized');
  onShutdown = this.on('shutdown');
  onDidChangeConfiguration = this.on('didChangeConfiguration');
  onDidChangeWatchedFiles = this.on('didChangeWatchedFiles');
  onHover = this.on('hover');
  onCodeAction = this.on('codeAction');
  onDidOpenTextDocument = this.on('didOpen');
  onDidChangeTextDocument = this.on('didChange');
  onDidCloseTextDocument = this.on('didClose');
  onWillSaveTextDocument = this.on('willSave');
  onWillSaveTextDocumentWaitUntil = this.on('willSaveWaitUntil');
  onDidSaveTextDocument = this.on('didSave');
  onNotification(type: string | { method: string }, handler: Handler) {
    return this.on(`notification:${typeof type === 'string' ? type : type.method}`)(handler);
  }
  onRequest(type: string | { method: string }, handler: Handler) {
    return this.on(`request:${typeof type === 'string' ? type : type.method}`)(handler);
  }
  listen(): void {}

  sendDiagnostics(params: PublishDiagnosticsParams): Promise<void> {
    this.diagnostics.push(params);
    return Promise.resolve();
  }
  sendNotification(type: string | { method: string }, params: unknown): Promise<void> {
    this.notifications.push({ method: typeof type === 'string' ? type : type.method, params });
    return Promise.resolve();
  }

  readonly console = {
    error: (message: string) => this.logs.push({ level: 'error', message }),
    warn: (message: string) => this.logs.push({ level: 'warn', message }),
    info: (message: string) => this.logs.push({ level: 'info', message }),
    log: (message: string) => this.logs.push({ level: 'log', message }),
  };
  readonly window = {
    showWarningMessage: (message: string) => {
      this.shownWarnings.push(message);
      return Promise.resolve(undefined);
    },
  };
  readonly workspace = {
    getConfiguration: (_section: string) => {
      this.configurationRequests++;
      return this.configuration === undefined
        ? Promise.reject(new Error('workspace/configuration is not supported'))
        : Promise.resolve(this.configuration);
    },
    applyEdit: (params: unknown) => {
      this.appliedEdits.push(params);
      return Promise.resolve(this.applyEditResult);
    },
  };
  readonly client = { register: () => Promise.resolve(disposable) };
  /** `workspace/diagnostic/refresh` requests the server sent (a client that pulls re-pulls on each). */
  diagnosticRefreshes = 0;
  readonly languages = {
    diagnostics: {
      on: this.on('request:textDocument/diagnostic'),
      refresh: () => {
        this.diagnosticRefreshes++;
        return Promise.resolve();
      },
    },
  };

  // ---- driving the server -------------------------------------------------------------------

  handler(name: string): Handler {
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`the server registered no ${name} handler`);
    return handler;
  }

  initialize(params: Partial<InitializeParams> & { initializationOptions?: unknown } = {}): unknown {
    const result = this.handler('initialize')({ processId: null, rootUri: null, capabilities: {}, ...params } as never);
    this.handler('initialized')({} as never);
    return result;
  }

  open(uri: string, languageId: string, text: string): void {
    this.versions.set(uri, 1);
    this.handler('didOpen')({ textDocument: { uri, languageId, version: 1, text } } as never);
  }

  change(uri: string, text: string): number {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.handler('didChange')({ textDocument: { uri, version }, contentChanges: [{ text }] } as never);
    return version;
  }

  close(uri: string): void {
    this.handler('didClose')({ textDocument: { uri } } as never);
  }

  /** Calls a registered handler the way the connection would, with a cancellation token. */
  async call<R>(
    name: string,
    params: unknown,
    token: CancellationToken = new CancellationTokenSource().token,
  ): Promise<R> {
    return (await this.handler(name)(params as never, token as never)) as R;
  }

  /** Diagnostics published for `uri`, oldest first. */
  published(uri: string): PublishDiagnosticsParams[] {
    return this.diagnostics.filter((d) => d.uri === uri);
  }
}

/** Resolves after pending timers and promises of the given delay have run. */
export function settle(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
