// textDocument/codeAction: gathers the facts the fixes need (digests, versions) for the references
// in range, lets features/codeActions.ts decide, and turns its plans into LSP CodeActions.
import { isDeepStrictEqual } from 'node:util';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  CreateFile,
  TextDocumentEdit,
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { POLICY_FILE_NAME } from '../../core/policy';
import { sameRange } from '../../core/ranges';
import {
  pinAllAction,
  planCodeActions,
  updatePatchesAction,
  newestPatch,
  referencesIn,
  type PlannedAction,
  type PlannedActionKind,
  type PolicyFileTarget,
} from '../../features/codeActions';
import { planPins } from '../../features/pin';
import { factsWantedFor } from '../../services/imageFacts';
import { referenceAtTag } from '../../core/reference';
import { PIN_IMAGES_CODE_ACTION_KIND, UPDATE_PATCHES_CODE_ACTION_KIND } from '../../../../protocol/messages';
import { DIAGNOSTIC_SOURCE } from '../diagnostics';
import { fileUriToPath } from '../documentUris';
import type { SettingsState } from '../settingsState';
import { uniqueReferences, wantedFor, type DocumentChecker, type DocumentState } from './documents';
import type { FactsLookup } from './factsLookup';

/** How long a code action request waits for a document whose didOpen is still on its way. */
const DOCUMENT_ARRIVAL_WAIT_MS = 2_000;

export const CODE_ACTION_KINDS = [
  CodeActionKind.QuickFix,
  CodeActionKind.RefactorRewrite,
  PIN_IMAGES_CODE_ACTION_KIND,
  UPDATE_PATCHES_CODE_ACTION_KIND,
];

const LSP_KIND: Record<PlannedActionKind, string> = {
  quickfix: CodeActionKind.QuickFix,
  'refactor.rewrite': CodeActionKind.RefactorRewrite,
  'source.pinImages': PIN_IMAGES_CODE_ACTION_KIND,
  'source.updatePatches': UPDATE_PATCHES_CODE_ACTION_KIND,
};

export class CodeActionHandler {
  constructor(
    private readonly settings: SettingsState,
    private readonly checker: DocumentChecker,
    private readonly lookup: FactsLookup,
  ) {}

  register(
    connection: Pick<Connection, 'onCodeAction'>,
    guard: <T>(work: () => Promise<T>, fallback: T) => Promise<T>,
  ): void {
    connection.onCodeAction((params, token) => guard(() => this.codeActions(params, token), []));
  }

  async codeActions(params: CodeActionParams, token?: CancellationToken): Promise<CodeAction[]> {
    const uri = params.textDocument.uri;
    const current = await this.checker.currentStateSoon(uri, DOCUMENT_ARRIVAL_WAIT_MS);
    if (!current) return [];
    const { document, state } = current;
    // The answer holds while the text and the policy it was planned from are current. A check of
    // the same text again (a settings change, a .env saved) does not void it: the user who pressed
    // Ctrl+. then would see "no code actions" for a menu that opens once.
    const still = () => {
      const now = this.checker.currentState(uri)?.state;
      return (
        !token?.isCancellationRequested && now?.version === state.version && isDeepStrictEqual(now.policy, state.policy)
      );
    };
    const only = params.context.only;
    const actions: CodeAction[] = [];
    if (only?.some((k) => PIN_IMAGES_CODE_ACTION_KIND.startsWith(k))) {
      const pinAll = await this.pinAll(state, token);
      if (!still()) return [];
      if (pinAll) actions.push(this.toCodeAction(document, pinAll, []));
    }
    if (only?.some((k) => UPDATE_PATCHES_CODE_ACTION_KIND.startsWith(k))) {
      const update = await this.updatePatches(state, token);
      if (!still()) return [];
      if (update) actions.push(this.toCodeAction(document, update, []));
    }
    if (only?.every((k) => k.startsWith(CodeActionKind.Source))) return actions;

    const inRange = referencesIn(state.analysis, params.range);
    if (inRange.length === 0) return actions;
    const refs = inRange.flatMap((r) => (r.reference ? [r.reference] : []));
    const facts = await this.lookup.gather(
      refs,
      (ref) => wantedFor(state, ref, { ...factsWantedFor(state.policy), digest: true, versions: true }),
      token,
    );
    if (!still()) return [];
    const factsFor = (r: { reference?: { raw: string } }) => (r.reference ? facts.get(r.reference.raw) : undefined);
    const findings = this.checker.evaluate(
      { ...state.analysis, problems: [], references: inRange },
      state.policy,
      factsFor,
    );
    const planned = planCodeActions({
      text: document.getText(),
      analysis: state.analysis,
      range: params.range,
      findings,
      factsFor,
      policy: state.policy,
      policyFile: this.policyFileTarget(uri),
    });
    const diagnostics = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    for (const plan of planned) actions.push(this.toCodeAction(document, plan, diagnostics));
    return actions;
  }

  private async pinAll(state: DocumentState, token?: CancellationToken): Promise<PlannedAction | undefined> {
    if (!this.settings.online) return undefined;
    const refs = uniqueReferences(state.analysis).filter((ref) => !ref.digest);
    const facts = await this.lookup.gather(refs, { digest: true }, token);
    return pinAllAction(planPins(state.analysis, (r) => (r.reference ? facts.get(r.reference.raw) : undefined)));
  }

  private async updatePatches(state: DocumentState, token?: CancellationToken): Promise<PlannedAction | undefined> {
    if (!this.settings.online) return undefined;
    const refs = uniqueReferences(state.analysis);
    const facts = await this.lookup.gather(refs, { versions: true }, token);
    const factsFor = (r: { reference?: { raw: string } }) => (r.reference ? facts.get(r.reference.raw) : undefined);
    // A pinned reference stays pinned: the new tag's digest is looked up.
    const targets = new Map(
      state.analysis.references.flatMap((r) => {
        const tag = r.reference?.digest ? newestPatch(r, factsFor(r)) : undefined;
        return r.reference && tag ? [[r.reference.raw, referenceAtTag(r.reference, tag)] as const] : [];
      }),
    );
    const digests = targets.size ? await this.lookup.gather([...targets.values()], { digest: true }, token) : new Map();
    return updatePatchesAction(state.analysis, factsFor, (r) => {
      const target = r.reference ? targets.get(r.reference.raw) : undefined;
      const found = target ? digests.get(target.raw)?.currentDigest : undefined;
      return found?.state === 'known' ? found.value : undefined;
    });
  }

  /** The policy file that applies to `uri`, or where a new one would go (the workspace folder). */
  private policyFileTarget(uri: string): PolicyFileTarget | undefined {
    const { loaded } = this.checker.policyFor(uri);
    if (loaded?.path) return { path: loaded.path, text: loaded.text };
    const path = fileUriToPath(uri);
    if (!path) return undefined;
    const folder = this.settings.workspaceFolders
      .filter((f) => path.startsWith(f.endsWith('/') || f.endsWith('\\') ? f : `${f}${pathSeparator(f)}`))
      .sort((a, b) => b.length - a.length)[0];
    const { abilities } = this.settings;
    return { path: join(folder ?? dirname(path), POLICY_FILE_NAME), canCreate: abilities.createFiles };
  }

  private toCodeAction(document: TextDocument, plan: PlannedAction, diagnostics: Diagnostic[]): CodeAction {
    const diagnostic = plan.finding
      ? diagnostics.find((d) => d.code === plan.finding!.rule && sameRange(d.range, plan.finding!.range))
      : undefined;
    const action: CodeAction = {
      title: plan.title,
      kind: LSP_KIND[plan.kind],
      isPreferred: plan.isPreferred,
      diagnostics: diagnostic ? [diagnostic] : undefined,
    };
    if (plan.disabledReason) action.disabled = { reason: plan.disabledReason };
    else action.edit = this.workspaceEdit(document, plan);
    return action;
  }

  private workspaceEdit(document: TextDocument, plan: PlannedAction): WorkspaceEdit {
    const policy = plan.policyFile;
    const policyUri = policy ? pathToFileURL(policy.path).toString() : undefined;
    // Versioned edits where the client takes them: an edit planned on an older text is refused.
    if (policy?.create || this.settings.abilities.documentChanges) {
      const documentChanges: NonNullable<WorkspaceEdit['documentChanges']> = [];
      if (plan.documentEdits.length)
        documentChanges.push(
          TextDocumentEdit.create({ uri: document.uri, version: document.version }, plan.documentEdits),
        );
      if (policy?.create) documentChanges.push(CreateFile.create(policyUri!));
      if (policy) documentChanges.push(TextDocumentEdit.create({ uri: policyUri!, version: null }, policy.edits));
      return { documentChanges };
    }
    const changes: Record<string, typeof plan.documentEdits> = {};
    if (plan.documentEdits.length) changes[document.uri] = plan.documentEdits;
    if (policy) changes[policyUri!] = policy.edits;
    return { changes };
  }
}

function pathSeparator(folder: string): string {
  return folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
}
