// Documents in, diagnostics out: every change is checked at once with what is known (the rules
// that need no network and the last network answers), then a debounced network pass asks the
// registries and publishes again. Owns the per-document state, the policy files and the `.env`
// files (read once per folder, forgotten when the editor says they changed).
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileChangeType, type Connection, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDocument, evaluateRules, type AnalyzedReference, type DocumentAnalysis } from '../../core/analyze';
import type { ImageFacts } from '../../core/facts';
import { IncrementalAnalyzer } from '../../core/incrementalAnalysis';
import { platformFor } from '../../core/platform';
import { POLICY_FILE_NAME } from '../../core/policy';
import type { Policy } from '../../core/settings';
import { ruleById } from '../../core/rules';
import type { FileGlobs } from '../../core/kinds/fileKinds';
import type { DocumentKind, Finding, ImageReference, Severity, SeveritySetting } from '../../core/types';
import { documentKind } from '../../services/fileKind';
import {
  environmentWith,
  findPolicyFile,
  loadPolicyFile,
  readDotEnv,
  type LoadedPolicy,
} from '../../services/documentContext';
import { factsWantedFor, withPlatforms, type FactsWanted } from '../../services/imageFacts';
import { budgetedSignal } from '../../net/runBudget';
import { DEFAULT_RUN_BUDGET_MS } from '../../services/network';
import { DiagnosticsPublisher } from '../diagnosticsPublisher';
import { fileUriToPath } from '../documentUris';
import type { SettingsState } from '../settingsState';

const NETWORK_DEBOUNCE_MS = 350;

export interface DocumentState {
  version: number;
  analysis: DocumentAnalysis;
  policy: Policy;
  findings: Finding[];
  networkTimer?: NodeJS.Timeout;
  networkAbort?: AbortController;
}

type DocumentsConnection = Pick<Connection, 'sendDiagnostics' | 'console' | 'onDidChangeWatchedFiles'> &
  Partial<Pick<Connection, 'languages'>>;

export class DocumentChecker {
  private readonly states = new Map<string, DocumentState>();
  /** Requests waiting for a document whose didOpen has not come yet. */
  private readonly arrivals = new Map<string, Array<() => void>>();
  /** Per open document: answers keystrokes that change no image from the last analysis. */
  private readonly analyzers = new Map<string, IncrementalAnalyzer>();
  private readonly policyCache = new Map<string, LoadedPolicy | undefined>();
  private readonly dotEnvCache = new Map<string, Map<string, string>>();
  /** Last facts known per reference text, so network squiggles stay put while typing. */
  private readonly knownFacts = new Map<string, ImageFacts>();
  /** Called after a network pass, so the status can tell what the registries said. */
  onNetworkPassDone: () => void = () => undefined;
  /** Pushes the findings, or keeps them for a client that pulls. */
  readonly publisher: DiagnosticsPublisher;

  constructor(
    private readonly connection: DocumentsConnection,
    readonly documents: TextDocuments<TextDocument>,
    private readonly settings: SettingsState,
  ) {
    settings.onNetworkRebuilt(() => this.knownFacts.clear());
    this.publisher = new DiagnosticsPublisher(connection);
  }

  register(): void {
    this.documents.onDidChangeContent((e) => this.validateNow(e.document, true));
    this.documents.onDidClose((e) => this.closed(e.document));
    this.connection.onDidChangeWatchedFiles(({ changes }) => {
      for (const change of changes) {
        const path = fileUriToPath(change.uri);
        if (path?.endsWith('.env')) this.dotEnvCache.delete(dirname(path));
        else this.policyCache.clear();
        // A deleted or new policy file changes what every folder below it finds.
        if (change.type !== FileChangeType.Changed) this.policyCache.clear();
      }
      this.revalidateAll();
    });
  }

  state(uri: string): DocumentState | undefined {
    return this.states.get(uri);
  }

  /** The state of `uri` when it matches the open document's current version. */
  currentState(uri: string): { document: TextDocument; state: DocumentState } | undefined {
    const document = this.documents.get(uri);
    const state = this.states.get(uri);
    return document && state && state.version === document.version ? { document, state } : undefined;
  }

  /**
   * The current state of `uri`, waiting up to `ms` for a document the server has not seen yet: a
   * client may send a request for a document it has just opened before the didOpen notification
   * (vscode-languageclient sends both through asynchronous middleware). A known document that is
   * not current, or one that does not come in time, answers undefined at once / at the deadline.
   */
  async currentStateSoon(
    uri: string,
    ms: number,
  ): Promise<{ document: TextDocument; state: DocumentState } | undefined> {
    const now = this.currentState(uri);
    if (now || this.documents.get(uri) || ms <= 0) return now;
    await new Promise<void>((resolve) => {
      const waiting = this.arrivals.get(uri) ?? [];
      const done = () => {
        clearTimeout(timer);
        const left = (this.arrivals.get(uri) ?? []).filter((w) => w !== done);
        if (left.length) this.arrivals.set(uri, left);
        else this.arrivals.delete(uri);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiting.push(done);
      this.arrivals.set(uri, waiting);
    });
    return this.currentState(uri);
  }

  /** Facts known right now without waiting: offline facts plus the last network answers. */
  factsSync(ref: ImageReference | undefined): ImageFacts | undefined {
    if (!ref) return undefined;
    return this.knownFacts.get(ref.raw) ?? this.settings.network.facts.offlineFacts(ref);
  }

  /** A registry answer (not only offline facts) is remembered for the reference. */
  hasAnswer(ref: ImageReference): boolean {
    return this.knownFacts.has(ref.raw);
  }

  rememberFacts(ref: ImageReference, facts: ImageFacts): void {
    this.knownFacts.set(ref.raw, facts);
  }

  forgetFacts(): void {
    this.knownFacts.clear();
  }

  evaluate(
    analysis: DocumentAnalysis,
    policy: Policy,
    factsFor: (r: AnalyzedReference) => ImageFacts | undefined,
  ): Finding[] {
    return evaluateRules(analysis, policy, { online: this.settings.online, factsFor });
  }

  /** The policy file that applies to `uri` (nearest upward), if any, and the merged policy. */
  policyFor(uri: string): { policy: Policy; loaded?: LoadedPolicy } {
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
    return { policy: this.settings.policyFor(loaded), loaded };
  }

  /** Compose's variables for a file: the process environment, then the `.env` beside it. */
  environmentFor(uri: string): (name: string) => string | undefined {
    return this.composeEnvironment(uri).env;
  }

  /**
   * The variables and what they were made from: the `.env` map is replaced when the editor says the
   * file changed, so the same map means the same variables (the server's own environment is fixed).
   */
  private composeEnvironment(uri: string): { env: (name: string) => string | undefined; identity?: unknown } {
    const path = fileUriToPath(uri);
    if (!path) return { env: (name) => process.env[name] };
    const dir = dirname(path);
    let dotEnv = this.dotEnvCache.get(dir);
    if (!dotEnv) {
      dotEnv = readDotEnv(dir);
      this.dotEnvCache.set(dir, dotEnv);
    }
    return { env: environmentWith(dotEnv), identity: dotEnv };
  }

  /** The kind of a document, with the user's `files:` globs (policy file or imageTrust.files). */
  kindOf(uri: string, languageId: string, text: () => string): DocumentKind | undefined {
    const path = fileUriToPath(uri);
    const { policy, loaded } = this.policyFor(uri);
    const roots = this.settings.workspaceFolders;
    const globs: FileGlobs[] = [];
    if (policy.files) {
      // Globs of a policy file are relative to its folder; those of imageTrust.files to each workspace folder.
      if (loaded?.keys.has('files')) globs.push({ base: dirname(loaded.path), globs: policy.files });
      else if (roots.length) for (const root of roots) globs.push({ base: root, globs: policy.files });
      else globs.push({ base: '', globs: policy.files });
    }
    return documentKind({ path: path ?? uri, hasPath: !!path, languageId, text }, globs, roots);
  }

  /** Analyzes text of a file that may not be open (workspace pinning). */
  analyze(uri: string, text: string, languageId = ''): DocumentAnalysis | undefined {
    const kind = this.kindOf(uri, languageId, () => text);
    if (!kind || kind === 'policy') return undefined;
    return analyzeDocument(text, kind, kind === 'compose' ? this.environmentFor(uri) : undefined, {
      fileName: fileUriToPath(uri) ?? uri,
    });
  }

  revalidateAll(): void {
    this.policyCache.clear();
    for (const document of this.documents.all()) this.validateNow(document);
  }

  /** `ownChange`: the document's own edit (or open) asked for this check, and a pulling client pulls after it. */
  validateNow(document: TextDocument, ownChange = false): void {
    try {
      this.validate(document, ownChange);
    } catch (error) {
      this.connection.console.error(`image-trust: could not check ${document.uri}: ${(error as Error).stack ?? error}`);
      this.publisher.clear(document.uri, ownChange);
    }
    // Requests that came before the document (currentStateSoon) go on, checked or not.
    for (const arrived of [...(this.arrivals.get(document.uri) ?? [])]) arrived();
  }

  private validate(document: TextDocument, ownChange: boolean): void {
    const path = fileUriToPath(document.uri) ?? document.uri;
    const kind = this.kindOf(document.uri, document.languageId, () => document.getText());
    if (kind === 'policy') {
      this.policyCache.clear();
      const loaded = loadPolicyFile(path, document.getText());
      // A policy that does not load cannot set its own severities: the rules' defaults apply.
      const problems: Finding[] = loaded.problems.map((p) => ({
        rule: p.code,
        severity: severityOf(ruleById(p.code)?.defaultSeverity),
        message: p.message,
        range: p.range,
        reference: '',
        fixes: [],
      }));
      this.publisher.publish(document.uri, document.version, problems, ownChange);
      for (const other of this.documents.all()) if (other.uri !== document.uri) this.validateNow(other);
      return;
    }
    if (!kind) {
      // A document that stopped matching a kind (its apiVersion was deleted) loses its findings.
      const previous = this.states.get(document.uri);
      if (previous) {
        this.cancelNetwork(previous);
        this.states.delete(document.uri);
        this.publisher.clear(document.uri, ownChange);
      }
      return;
    }
    const { env, identity } =
      kind === 'compose'
        ? this.composeEnvironment(document.uri)
        : { env: (name: string) => process.env[name], identity: undefined };
    let analyzer = this.analyzers.get(document.uri);
    if (!analyzer) this.analyzers.set(document.uri, (analyzer = new IncrementalAnalyzer()));
    // The other kinds than Dockerfile and compose are analyzed in full (bake's file name says HCL or JSON).
    const analysis = analyzer.analyze(document.getText(), kind, env, identity, { fileName: path });
    const { policy } = this.policyFor(document.uri);
    this.cancelNetwork(this.states.get(document.uri));
    const state: DocumentState = { version: document.version, analysis, policy, findings: [] };
    this.states.set(document.uri, state);
    state.findings = this.evaluate(analysis, policy, (r) => this.factsSync(r.reference));
    this.publisher.publish(document.uri, state.version, state.findings, ownChange);
    if (this.settings.online && analysis.references.some((r) => r.reference)) {
      state.networkTimer = setTimeout(() => void this.networkPass(document.uri, state), NETWORK_DEBOUNCE_MS);
    }
  }

  private async networkPass(uri: string, state: DocumentState): Promise<void> {
    const abort = new AbortController();
    state.networkAbort = abort;
    const wanted = factsWantedFor(state.policy);
    const network = this.settings.network;
    // The pass has a budget: what a stalling registry has not answered by then is reported missing.
    const budget = budgetedSignal(abort.signal, network.settings.runBudgetMs ?? DEFAULT_RUN_BUDGET_MS);
    try {
      await Promise.all(
        uniqueReferences(state.analysis).map(async (ref) => {
          const facts = await network.facts.gather(ref, wantedFor(state, ref, wanted), budget.signal);
          if (!abort.signal.aborted && network === this.settings.network) this.knownFacts.set(ref.raw, facts);
        }),
      );
    } finally {
      budget.dispose();
    }
    // Answered or failed, the registries were asked: the status may say so.
    this.onNetworkPassDone();
    if (abort.signal.aborted || this.states.get(uri) !== state) return;
    state.findings = this.evaluate(state.analysis, state.policy, (r) => this.factsSync(r.reference));
    this.publisher.publish(uri, state.version, state.findings, false);
  }

  private cancelNetwork(state: DocumentState | undefined): void {
    if (state?.networkTimer) clearTimeout(state.networkTimer);
    state?.networkAbort?.abort();
  }

  private closed(document: TextDocument): void {
    this.cancelNetwork(this.states.get(document.uri));
    this.states.delete(document.uri);
    this.analyzers.delete(document.uri);
    if (document.uri.endsWith(POLICY_FILE_NAME)) this.policyCache.clear();
    this.publisher.closed(document.uri);
  }
}

function severityOf(setting: SeveritySetting | undefined): Severity {
  return setting === undefined || setting === 'off' ? 'error' : setting;
}

/** The platforms a reference is used with in a document (`FROM --platform`, else the policy's). */
export function platformsOf(analysis: DocumentAnalysis, ref: ImageReference, policy: Policy): string[] {
  return analysis.references.filter((r) => r.reference?.raw === ref.raw).map((r) => platformFor(r.occurrence, policy));
}

/** `wanted` for `ref` at the platforms the document uses it with. */
export function wantedFor(
  state: Pick<DocumentState, 'analysis' | 'policy'>,
  ref: ImageReference,
  wanted: FactsWanted,
): FactsWanted {
  return withPlatforms(wanted, platformsOf(state.analysis, ref, state.policy));
}

export function uniqueReferences(analysis: DocumentAnalysis): ImageReference[] {
  const seen = new Map<string, ImageReference>();
  for (const r of analysis.references)
    if (r.reference && !seen.has(r.reference.raw)) seen.set(r.reference.raw, r.reference);
  return [...seen.values()];
}
