// The language server: wiring only. Documents come in, the core analyzes them, the facts service
// asks the network, and diagnostics, code actions and hovers go out.
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeAction,
  CodeActionKind,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentEdit,
  TextDocumentSyncKind,
  TextEdit,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type HoverParams,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  analyzeDocument,
  detectDocumentKind,
  evaluateRules,
  type AnalyzedReference,
  type DocumentAnalysis,
} from '../core/analyze';
import type { ImageFacts } from '../core/facts';
import { IncrementalAnalyzer } from '../core/incrementalAnalysis';
import { mergePolicy, POLICY_FILE_NAME } from '../core/policy';
import { helpUri } from '../core/rules/rule';
import { ruleById } from '../core/rules';
import type { Policy } from '../core/settings';
import type { Finding, Fix, ImageReference, Position, Range, Severity } from '../core/types';
import { renderHover } from '../features/hover';
import { planPins, type PinPlan } from '../features/pin';
import { composeEnvironment, findPolicyFile, loadPolicyFile, type LoadedPolicy } from '../services/documentContext';
import { ALL_FACTS, factsWantedFor, signatureWanted, withPlatforms, type FactsWanted } from '../services/imageFacts';
import { platformFor } from '../core/platform';
import { budgetedSignal } from '../net/runBudget';
import { createNetwork, DEFAULT_RUN_BUDGET_MS, type Network } from '../services/network';
import {
  MachineSettingsNotification,
  PinFilesRequest,
  RefreshRequest,
  StatusNotification,
  type MachineSettingsParams,
  type PinFilesResult,
  type StatusParams,
} from './protocol';
import { networkSettings, readEditorSettings, readMachineSettings, type EditorSettings } from './settings';

const NETWORK_DEBOUNCE_MS = 350;
const CODE_ACTION_NETWORK_TIMEOUT_MS = 8_000;
// Pinning asks registries and rewrites every reference: never a `source.fixAll` action, which
// editors run on save ("editor.codeActionsOnSave": {"source.fixAll": "explicit"} is common).
const PIN_IMAGES_KIND = `${CodeActionKind.Source}.pinImages.imageTrust`;

interface DocumentState {
  version: number;
  analysis: DocumentAnalysis;
  policy: Policy;
  findings: Finding[];
  networkTimer?: NodeJS.Timeout;
  networkAbort?: AbortController;
}

export class ImageTrustServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly states = new Map<string, DocumentState>();
  /** Per open document: answers keystrokes that change no image from the last analysis. */
  private readonly analyzers = new Map<string, IncrementalAnalyzer>();
  private readonly policyCache = new Map<string, LoadedPolicy | undefined>();
  /** Last facts known per reference text, so network squiggles stay put while typing. */
  private readonly knownFacts = new Map<string, ImageFacts>();
  private editor: EditorSettings = {};
  private machine: MachineSettingsParams = {};
  private workspaceTrusted = true;
  private supportsConfiguration = false;
  private supportsDocumentChanges = false;
  private network!: Network;
  private networkKey = '';
  private lastStatus = '';
  /** A registry or Docker Hub has answered (or failed to) since the network was built. */
  private asked = false;

  constructor(private readonly connection: Connection) {}

  listen(): void {
    const c = this.connection;
    c.onInitialize((p) => this.initialize(p));
    c.onInitialized(() => this.initialized());
    c.onDidChangeConfiguration((p) => this.configurationChanged(p.settings));
    c.onNotification(MachineSettingsNotification, (p) => {
      this.machine = readMachineSettings(p);
      this.rebuildNetwork();
      this.revalidateAll();
    });
    c.onDidChangeWatchedFiles(() => {
      this.policyCache.clear();
      this.revalidateAll();
    });
    c.onCodeAction((p) => this.guard(() => this.codeActions(p), []));
    c.onHover((p) => this.guard(() => this.hover(p), null));
    c.onRequest(PinFilesRequest, (p) =>
      this.guard(() => this.pinFiles(p.uris), { files: 0, changedFiles: 0, pinned: 0, failed: [] }),
    );
    c.onRequest(RefreshRequest, () => this.guard(() => this.refresh(), undefined));
    c.onShutdown(() => this.network?.dispose());

    this.documents.onDidChangeContent((e) => this.validateNow(e.document));
    this.documents.onDidClose((e) => {
      const state = this.states.get(e.document.uri);
      if (state?.networkTimer) clearTimeout(state.networkTimer);
      state?.networkAbort?.abort();
      this.states.delete(e.document.uri);
      this.analyzers.delete(e.document.uri);
      if (e.document.uri.endsWith(POLICY_FILE_NAME)) this.policyCache.clear();
      void c.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    });
    this.documents.listen(c);
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    const options = (params.initializationOptions ?? {}) as Record<string, unknown>;
    this.editor = readEditorSettings(options.settings);
    this.machine = readMachineSettings(options.machineSettings);
    this.workspaceTrusted = options.workspaceTrusted !== false;
    this.supportsConfiguration = !!params.capabilities.workspace?.configuration;
    this.supportsDocumentChanges = !!params.capabilities.workspace?.workspaceEdit?.documentChanges;
    this.rebuildNetwork();
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, PIN_IMAGES_KIND],
          resolveProvider: false,
        },
      },
      serverInfo: { name: 'image-trust', version: '0.1.0' },
    };
  }

  private initialized(): void {
    void this.connection.client
      .register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: `**/${POLICY_FILE_NAME}` }, { globPattern: '**/.env' }],
      })
      .catch(() => undefined);
    void this.pullConfiguration();
    this.sendStatus(true);
  }

  private async configurationChanged(settings: unknown): Promise<void> {
    const pushed =
      settings && typeof settings === 'object' ? (settings as Record<string, unknown>).imageTrust : undefined;
    if (pushed) this.editor = readEditorSettings(pushed);
    await this.pullConfiguration();
    this.rebuildNetwork();
    this.revalidateAll();
  }

  private async pullConfiguration(): Promise<void> {
    if (!this.supportsConfiguration) return;
    try {
      const value = await this.connection.workspace.getConfiguration('imageTrust');
      if (value) this.editor = readEditorSettings(value);
      this.rebuildNetwork();
      this.revalidateAll();
    } catch {
      // Editors that do not answer workspace/configuration keep initializationOptions.
    }
  }

  private rebuildNetwork(): void {
    const settings = networkSettings(this.editor, this.machine, {
      workspaceTrusted: this.workspaceTrusted,
      cacheDir: process.env.IMAGE_TRUST_CACHE_DIR,
    });
    const key = JSON.stringify(settings);
    if (key === this.networkKey) return;
    void this.network?.dispose();
    this.networkKey = key;
    this.network = createNetwork(settings);
    this.network.onHealthChange(() => this.sendStatus());
    this.asked = false;
    this.knownFacts.clear();
    this.sendStatus(true);
  }

  private sendStatus(force = false): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (!force && key === this.lastStatus) return;
    this.lastStatus = key;
    void this.connection.sendNotification(StatusNotification, status);
  }

  private status(): StatusParams {
    if (!this.network || this.network.settings.offline) {
      const why = this.workspaceTrusted
        ? 'offline mode is on (imageTrust.offline)'
        : 'this workspace is not trusted (Restricted Mode)';
      return {
        state: 'offline',
        text: 'Image Trust: offline',
        tooltip: `Registry lookups are off: ${why}. Rules that need no network still run.`,
        unreachable: [],
      };
    }
    const health = this.network.health();
    const rate = health.dockerHubRateLimit;
    const rateLimit = rate
      ? { limit: rate.limit, remaining: rate.remaining, windowSeconds: rate.windowSeconds }
      : undefined;
    const rateText = rate ? ` · Hub ${rate.remaining}/${rate.limit}` : '';
    if (health.unreachable.length) {
      return {
        state: 'degraded',
        text: `Image Trust: ${health.unreachable.map((u) => u.registry).join(', ')} unreachable${rateText}`,
        tooltip: `Could not reach:\n${health.unreachable.map((u) => `• ${u.registry}: ${u.message}`).join('\n')}\nRules that need no network still run; network findings are paused for these registries.`,
        unreachable: health.unreachable,
        rateLimit,
        asked: true,
      };
    }
    return {
      state: 'online',
      text: `Image Trust${rateText}`,
      tooltip: rate
        ? `Online. Docker Hub pull rate limit: ${rate.remaining} of ${rate.limit} left${rate.windowSeconds ? ` per ${Math.round(rate.windowSeconds / 3600)} h` : ''}.`
        : 'Online: registries answer.',
      unreachable: [],
      rateLimit,
      asked: this.asked,
    };
  }

  // ---- documents ---------------------------------------------------------------------------

  private policyFor(uri: string): { policy: Policy; loaded?: LoadedPolicy } {
    let loaded: LoadedPolicy | undefined;
    const path = fileUriToPath(uri);
    if (path) {
      const dir = dirname(path);
      if (this.policyCache.has(dir)) loaded = this.policyCache.get(dir);
      else {
        const file = findPolicyFile(dir);
        if (file) {
          const open = this.documents.get(pathToFileURL(file).toString());
          try {
            loaded = loadPolicyFile(file, open?.getText());
          } catch {
            loaded = undefined;
          }
        }
        this.policyCache.set(dir, loaded);
      }
    }
    const { policy } = mergePolicy(
      loaded?.problems.length ? undefined : loaded?.policy,
      loaded?.keys ?? new Set(),
      this.editor,
    );
    return { policy, loaded };
  }

  private validateNow(document: TextDocument): void {
    try {
      this.validate(document);
    } catch (error) {
      this.connection.console.error(`image-trust: could not check ${document.uri}: ${(error as Error).stack ?? error}`);
      void this.connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    }
  }

  private validate(document: TextDocument): void {
    const path = fileUriToPath(document.uri) ?? document.uri;
    const kind = detectDocumentKind(path) ?? languageKind(document.languageId);
    if (kind === 'policy') {
      this.policyCache.clear();
      const loaded = loadPolicyFile(path, document.getText());
      const diagnostics = loaded.problems.map((p) =>
        toDiagnostic({
          rule: p.code,
          severity: p.severity,
          message: p.message,
          range: p.range,
          reference: '',
          fixes: [],
        }),
      );
      void this.connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
      for (const other of this.documents.all()) if (other.uri !== document.uri) this.validateNow(other);
      return;
    }
    if (!kind) return;
    const env =
      kind === 'compose' && path.startsWith('/') ? composeEnvironment(path) : (name: string) => process.env[name];
    let analyzer = this.analyzers.get(document.uri);
    if (!analyzer) this.analyzers.set(document.uri, (analyzer = new IncrementalAnalyzer()));
    // Compose variables are read from `.env` on each check here, so compose has no identity to
    // reuse against and is analyzed in full; Dockerfiles reuse.
    const analysis = analyzer.analyze(document.getText(), kind, env);
    const { policy } = this.policyFor(document.uri);
    const previous = this.states.get(document.uri);
    if (previous?.networkTimer) clearTimeout(previous.networkTimer);
    previous?.networkAbort?.abort();
    const state: DocumentState = { version: document.version, analysis, policy, findings: [] };
    this.states.set(document.uri, state);
    state.findings = this.evaluate(analysis, policy, (r) => this.factsSync(r.reference));
    this.publish(document.uri, state);
    if (!this.network.settings.offline && analysis.references.some((r) => r.reference)) {
      state.networkTimer = setTimeout(() => void this.networkPass(document.uri, state), NETWORK_DEBOUNCE_MS);
    }
  }

  private evaluate(
    analysis: DocumentAnalysis,
    policy: Policy,
    factsFor: (r: AnalyzedReference) => ImageFacts | undefined,
  ): Finding[] {
    return evaluateRules(analysis, policy, { online: !this.network.settings.offline, factsFor });
  }

  /** Facts known right now without waiting: offline facts plus the last network answers. */
  private factsSync(ref: ImageReference | undefined): ImageFacts | undefined {
    if (!ref) return undefined;
    const known = this.knownFacts.get(ref.raw);
    return known ?? this.network.facts.offlineFacts(ref);
  }

  private async networkPass(uri: string, state: DocumentState): Promise<void> {
    const abort = new AbortController();
    state.networkAbort = abort;
    const wanted = factsWantedFor(state.policy);
    const refs = uniqueReferences(state.analysis);
    // The pass has a budget: what a stalling registry has not answered by then is reported missing.
    const budget = budgetedSignal(abort.signal, this.network.settings.runBudgetMs ?? DEFAULT_RUN_BUDGET_MS);
    await Promise.all(
      refs.map(async (ref) => {
        const facts = await this.network.facts.gather(
          ref,
          withPlatforms(wanted, platformsOf(state.analysis, ref, state.policy)),
          budget.signal,
        );
        if (!abort.signal.aborted) this.knownFacts.set(ref.raw, facts);
      }),
    );
    budget.dispose();
    this.asked = true;
    if (abort.signal.aborted || this.states.get(uri) !== state) {
      this.sendStatus();
      return;
    }
    state.findings = this.evaluate(state.analysis, state.policy, (r) => this.factsSync(r.reference));
    this.publish(uri, state);
    this.sendStatus();
  }

  private publish(uri: string, state: DocumentState): void {
    void this.connection.sendDiagnostics({
      uri,
      version: state.version,
      diagnostics: state.findings.map(toDiagnostic),
    });
  }

  private revalidateAll(): void {
    this.policyCache.clear();
    for (const document of this.documents.all()) this.validateNow(document);
  }

  private async refresh(): Promise<void> {
    await this.network.clearCache();
    this.knownFacts.clear();
    this.revalidateAll();
    this.sendStatus(true);
  }

  // ---- code actions ------------------------------------------------------------------------

  private async codeActions(params: CodeActionParams): Promise<CodeAction[]> {
    const document = this.documents.get(params.textDocument.uri);
    const state = this.states.get(params.textDocument.uri);
    if (!document || !state || state.version !== document.version) return [];
    const only = params.context.only;
    const wantsPinAll = only?.some((k) => PIN_IMAGES_KIND.startsWith(k) || k === CodeActionKind.Source);
    const actions: CodeAction[] = [];
    if (wantsPinAll) {
      const action = await this.pinAllAction(document, state);
      if (action) actions.push(action);
      if (only?.every((k) => k.startsWith(CodeActionKind.Source))) return actions;
    }
    const inRange = state.analysis.references.filter((r) => overlaps(r.occurrence.range, params.range));
    if (inRange.length === 0) return actions;
    const online = !this.network.settings.offline;
    const facts = new Map<string, ImageFacts>();
    await Promise.all(
      inRange.map(async (r) => {
        if (!r.reference) return;
        facts.set(
          r.reference.raw,
          online
            ? await this.gatherWithTimeout(
                r.reference,
                withPlatforms(
                  { ...factsWantedFor(state.policy), digest: true, versions: true },
                  platformsOf(state.analysis, r.reference, state.policy),
                ),
              )
            : this.network.facts.offlineFacts(r.reference),
        );
      }),
    );
    if (this.states.get(document.uri) !== state || state.version !== document.version) return [];
    const findings = this.evaluate({ ...state.analysis, problems: [], references: inRange }, state.policy, (r) =>
      r.reference ? facts.get(r.reference.raw) : undefined,
    );
    const diagnostics = params.context.diagnostics.filter((d) => d.source === 'image-trust');
    const offered = new Set<string>();
    for (const finding of findings) {
      const diagnostic = diagnostics.find((d) => d.code === finding.rule && sameRange(d.range, finding.range));
      for (const fix of finding.fixes) {
        const key = `${fix.range ? JSON.stringify(fix.range) : JSON.stringify(finding.range)}→${fix.replacement}`;
        if (offered.has(key)) continue;
        offered.add(key);
        actions.push(this.fixAction(document.uri, finding, fix, diagnostic));
      }
    }
    // The light bulb also offers "Pin to digest" where there is no squiggle (the rule is off or
    // suppressed, or the tag is trusted).
    for (const r of inRange) {
      if (!r.reference || r.reference.digest) continue;
      const digest = facts.get(r.reference.raw)?.currentDigest;
      if (digest?.state !== 'known') continue;
      const plan = planPins({ ...state.analysis, references: [r] }, () => facts.get(r.reference!.raw));
      for (const edit of plan.edits) {
        const key = `${JSON.stringify(edit.range)}→${edit.newText}`;
        if (offered.has(key)) continue;
        offered.add(key);
        actions.push({
          title: `Pin ${r.reference.familiarName}:${r.reference.tag ?? 'latest'} to digest`,
          kind: CodeActionKind.RefactorRewrite,
          edit: { changes: { [document.uri]: [{ range: edit.range, newText: edit.newText }] } },
        });
      }
    }
    return actions;
  }

  private fixAction(uri: string, finding: Finding, fix: Fix, diagnostic: Diagnostic | undefined): CodeAction {
    const action: CodeAction = {
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      isPreferred: fix.isPreferred,
      diagnostics: diagnostic ? [diagnostic] : undefined,
    };
    if (fix.disabledReason) action.disabled = { reason: `Cannot change this reference: ${fix.disabledReason}` };
    else action.edit = { changes: { [uri]: [{ range: fix.range ?? finding.range, newText: fix.replacement }] } };
    return action;
  }

  private async gatherWithTimeout(ref: ImageReference, wanted: FactsWanted): Promise<ImageFacts> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), CODE_ACTION_NETWORK_TIMEOUT_MS);
    try {
      const facts = await this.network.facts.gather(ref, wanted, abort.signal);
      this.knownFacts.set(ref.raw, facts);
      if (!this.asked) {
        this.asked = true;
        this.sendStatus();
      }
      return facts;
    } finally {
      clearTimeout(timer);
    }
  }

  private async planDocumentPins(document: TextDocument, state: DocumentState): Promise<PinPlan> {
    const facts = new Map<string, ImageFacts>();
    await Promise.all(
      uniqueReferences(state.analysis)
        .filter((ref) => !ref.digest)
        .map(async (ref) => facts.set(ref.raw, await this.gatherWithTimeout(ref, { digest: true }))),
    );
    return planPins(state.analysis, (r) => (r.reference ? facts.get(r.reference.raw) : undefined));
  }

  private async pinAllAction(document: TextDocument, state: DocumentState): Promise<CodeAction | undefined> {
    if (this.network.settings.offline) return undefined;
    const plan = await this.planDocumentPins(document, state);
    if (plan.edits.length === 0 || this.states.get(document.uri) !== state) return undefined;
    return {
      title: `Pin all images in this file (${plan.edits.length})`,
      kind: PIN_IMAGES_KIND,
      edit: { changes: { [document.uri]: plan.edits.map((e): TextEdit => ({ range: e.range, newText: e.newText })) } },
    };
  }

  // ---- workspace pinning -------------------------------------------------------------------

  private async pinFiles(uris: string[]): Promise<PinFilesResult> {
    const result: PinFilesResult = { files: 0, changedFiles: 0, pinned: 0, failed: [] };
    if (this.network.settings.offline) {
      for (const uri of uris)
        result.failed.push({ uri, reference: '', reason: 'registry lookups are off (offline or Restricted Mode)' });
      return result;
    }
    const documentChanges: TextDocumentEdit[] = [];
    for (const uri of uris) {
      const open = this.documents.get(uri);
      const document = open ?? (await readDocument(uri));
      if (!document) {
        result.failed.push({ uri, reference: '', reason: 'the file could not be read' });
        continue;
      }
      result.files++;
      const path = fileUriToPath(uri) ?? uri;
      const kind = detectDocumentKind(path);
      if (kind !== 'dockerfile' && kind !== 'compose') continue;
      const analysis = analyzeDocument(
        document.getText(),
        kind,
        kind === 'compose' ? composeEnvironment(path) : undefined,
      );
      // An open document is updated in place as the user types: remember what the plan is made on.
      const plannedVersion = document.version;
      const state: DocumentState = {
        version: plannedVersion,
        analysis,
        policy: this.policyFor(uri).policy,
        findings: [],
      };
      const plan = await this.planDocumentPins(document, state);
      for (const f of plan.failed) result.failed.push({ uri, reference: f.reference, reason: f.reason });
      if (plan.edits.length === 0) continue;
      // The lookups take time: an edit planned on text the user has changed since must not land.
      if (open && this.documents.get(uri)?.version !== plannedVersion) {
        result.failed.push({
          uri,
          reference: '',
          reason: 'the file changed while its digests were looked up; run Pin again',
        });
        continue;
      }
      documentChanges.push(
        TextDocumentEdit.create(
          { uri, version: open ? plannedVersion : null },
          plan.edits.map((e) => TextEdit.replace(e.range, e.newText)),
        ),
      );
      result.changedFiles++;
      result.pinned += plan.edits.length;
    }
    if (result.changedFiles) {
      const edit: WorkspaceEdit = this.supportsDocumentChanges
        ? { documentChanges }
        : { changes: Object.fromEntries(documentChanges.map((d) => [d.textDocument.uri, d.edits as TextEdit[]])) };
      const applied = await this.connection.workspace.applyEdit({ label: 'Pin images to digests', edit });
      if (!applied.applied) {
        result.failed.push({
          uri: '',
          reference: '',
          reason: `the editor did not apply the edits${applied.failureReason ? `: ${applied.failureReason}` : ''}`,
        });
        result.changedFiles = 0;
        result.pinned = 0;
      }
    }
    return result;
  }

  // ---- hover -------------------------------------------------------------------------------

  private async hover(params: HoverParams): Promise<Hover | null> {
    const document = this.documents.get(params.textDocument.uri);
    const state = this.states.get(params.textDocument.uri);
    if (!document || !state) return null;
    const analyzed = state.analysis.references.find((r) => contains(r.occurrence.range, params.position));
    if (!analyzed) return null;
    const online = !this.network.settings.offline;
    let facts: ImageFacts = {};
    if (analyzed.reference) {
      facts = online
        ? await this.gatherWithTimeout(
            analyzed.reference,
            withPlatforms(
              // The hover always verifies who signed, whatever the policy asks.
              { ...factsWantedFor(state.policy), ...ALL_FACTS, ...signatureWanted(state.policy) },
              platformsOf(state.analysis, analyzed.reference, state.policy),
            ),
          )
        : this.network.facts.offlineFacts(analyzed.reference);
    }
    const findings = this.evaluate(
      { ...state.analysis, problems: [], references: [analyzed] },
      state.policy,
      () => facts,
    );
    return {
      contents: { kind: 'markdown', value: renderHover({ analyzed, facts, policy: state.policy, findings, online }) },
      range: analyzed.occurrence.range,
    };
  }

  private async guard<T>(work: () => T | Promise<T>, fallback: T): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.connection.console.error(`image-trust: ${(error as Error).stack ?? error}`);
      return fallback;
    }
  }
}

function toDiagnostic(finding: Finding): Diagnostic {
  const rule = ruleById(finding.rule);
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    source: 'image-trust',
    code: finding.rule,
    codeDescription: rule ? { href: helpUri(finding.rule) } : undefined,
    message: finding.message,
  };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

function languageKind(languageId: string): 'dockerfile' | 'compose' | undefined {
  if (languageId === 'dockerfile') return 'dockerfile';
  if (languageId === 'dockercompose') return 'compose';
  return undefined;
}

/** The platforms a reference is used with in a document (`FROM --platform`, else the policy's). */
function platformsOf(analysis: DocumentAnalysis, ref: ImageReference, policy: Policy): string[] {
  return analysis.references.filter((r) => r.reference?.raw === ref.raw).map((r) => platformFor(r.occurrence, policy));
}

function uniqueReferences(analysis: DocumentAnalysis): ImageReference[] {
  const seen = new Map<string, ImageReference>();
  for (const r of analysis.references)
    if (r.reference && !seen.has(r.reference.raw)) seen.set(r.reference.raw, r.reference);
  return [...seen.values()];
}

function fileUriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

async function readDocument(uri: string): Promise<TextDocument | undefined> {
  const path = fileUriToPath(uri);
  if (!path) return undefined;
  try {
    const { readFile } = await import('node:fs/promises');
    const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
    return TextDocument.create(uri, '', 0, text);
  } catch {
    return undefined;
  }
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}
function contains(range: Range, p: Position): boolean {
  return !before(p, range.start) && !before(range.end, p);
}
function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}
function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
