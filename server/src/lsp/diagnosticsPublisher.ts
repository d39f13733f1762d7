// How a document's findings reach the client. Every client can be pushed to
// (`textDocument/publishDiagnostics`, once per checked version); a client that pulls
// (`textDocument/diagnostic`, LSP 3.17 "Pull Diagnostics") and can be asked to pull again
// (`workspace/diagnostic/refresh`) is answered from the last result instead: a document whose
// diagnostics did not change since the client's `previousResultId` gets `kind: "unchanged"`, not
// every diagnostic again. Either way a finding that did not change keeps its Diagnostic object, so
// nothing is rebuilt for it and "unchanged" is an identity check.
// A push client is not sent the same diagnostics again after an edit either: pushed diagnostics
// replace the previous ones and their `version` is optional (LSP 3.17 "PublishDiagnostics
// Notification"), so a keystroke that leaves a document's diagnostics as they were needs no
// notification. A check the server starts itself (registry answers, settings, policy or `.env`
// changes) comes once per pass, not per keystroke, and is still pushed: a push client hears that
// the registries were asked even when they changed nothing.
// https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#textDocument_publishDiagnostics
// https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#textDocument_pullDiagnostics
import {
  DocumentDiagnosticReportKind,
  type ClientCapabilities,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticReport,
} from 'vscode-languageserver';
import type { Finding } from '../core/types';
import { toDiagnostic } from './diagnostics';

export type PublisherConnection = Pick<Connection, 'sendDiagnostics'> & {
  languages?: { diagnostics: { refresh(): Promise<void> } };
};

interface DocumentResult {
  resultId: string;
  diagnostics: Diagnostic[];
  /** The Diagnostic made for each finding (see findingKey), reused while the finding stays. */
  byFinding: Map<string, Diagnostic>;
}

/** Whether the client pulls: it supports `textDocument/diagnostic` and `workspace/diagnostic/refresh`. */
export function clientPullsDiagnostics(capabilities: ClientCapabilities): boolean {
  return !!capabilities.textDocument?.diagnostic && capabilities.workspace?.diagnostics?.refreshSupport === true;
}

export class DiagnosticsPublisher {
  private readonly results = new Map<string, DocumentResult>();
  private pull = false;
  private nextResultId = 1;
  private refreshQueued = false;

  constructor(private readonly connection: PublisherConnection) {}

  /** From now on the client pulls; nothing is pushed. */
  usePull(): void {
    this.pull = true;
  }

  get pulling(): boolean {
    return this.pull;
  }

  /**
   * The findings of `uri` at `version`. `ownChange`: the client's own edit (or open) asked for this
   * check: a pulling client pulls after it by itself, and a push client is sent nothing when the
   * diagnostics stayed the same. Otherwise (registry answers, settings, policy or `.env` files) a
   * pulling client is asked to pull again when something changed, and a push client is pushed to.
   */
  publish(uri: string, version: number | undefined, findings: readonly Finding[], ownChange: boolean): void {
    const previous = this.results.get(uri);
    const byFinding = new Map<string, Diagnostic>();
    let unchanged = previous !== undefined && previous.diagnostics.length === findings.length;
    const diagnostics = findings.map((finding, i) => {
      const key = findingKey(finding);
      let diagnostic = byFinding.get(key) ?? previous?.byFinding.get(key);
      if (!diagnostic) diagnostic = toDiagnostic(finding);
      byFinding.set(key, diagnostic);
      if (unchanged && previous!.diagnostics[i] !== diagnostic) unchanged = false;
      return diagnostic;
    });
    if (!this.pull) {
      if (unchanged && ownChange) return;
      this.results.set(uri, { resultId: '', diagnostics, byFinding });
      void this.connection.sendDiagnostics({ uri, version, diagnostics });
      return;
    }
    if (unchanged) return;
    this.results.set(uri, { resultId: String(this.nextResultId++), diagnostics, byFinding });
    if (!ownChange) this.queueRefresh();
  }

  /** `uri` has no findings (not a checked kind any more, or checking it failed). */
  clear(uri: string, ownChange: boolean): void {
    this.publish(uri, undefined, [], ownChange);
  }

  /** The document was closed: its result is forgotten (a pulling client drops its own). */
  closed(uri: string): void {
    this.results.delete(uri);
    if (!this.pull) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** The answer to `textDocument/diagnostic`. */
  report(uri: string, previousResultId: string | undefined): DocumentDiagnosticReport {
    const result = this.results.get(uri);
    if (!result) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    if (previousResultId === result.resultId)
      return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: result.resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId: result.resultId, items: result.diagnostics };
  }

  /** Several documents that changed in one turn (a network pass, a policy edit) make one refresh. */
  private queueRefresh(): void {
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    setImmediate(() => {
      this.refreshQueued = false;
      void this.connection.languages?.diagnostics.refresh().catch(() => undefined);
    });
  }
}

/** Everything toDiagnostic reads from a finding: equal keys make equal diagnostics. */
function findingKey(f: Finding): string {
  const { start, end } = f.range;
  return `${f.rule}\u0000${f.severity}\u0000${start.line}:${start.character}:${end.line}:${end.character}\u0000${f.message}`;
}
