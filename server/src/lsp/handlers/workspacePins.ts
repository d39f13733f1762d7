// imageTrust/pinFiles: pins every image of a batch of files (open or not) to digests, sent to the
// editor as one workspace/applyEdit so the user can undo it. Edits carry the version they were
// planned on: a file the user changed during the lookups is left alone and reported.
import { TextEdit, TextDocumentEdit, type Connection, type WorkspaceEdit } from 'vscode-languageserver';
import { planPins } from '../../features/pin';
import { PIN_FILES_EDIT_LABEL, type PinFilesResult } from '../../../../protocol/messages';
import { PinFilesRequest } from '../protocol';
import { readDocumentFromDisk } from '../documentUris';
import type { SettingsState } from '../settingsState';
import { uniqueReferences, type DocumentChecker } from './documents';
import type { FactsLookup } from './factsLookup';

type PinConnection = Pick<Connection, 'onRequest'> & { workspace: Pick<Connection['workspace'], 'applyEdit'> };

export class WorkspacePinHandler {
  constructor(
    private readonly connection: PinConnection,
    private readonly settings: SettingsState,
    private readonly checker: DocumentChecker,
    private readonly lookup: FactsLookup,
  ) {}

  register(guard: <T>(work: () => Promise<T>, fallback: T) => Promise<T>): void {
    this.connection.onRequest(PinFilesRequest, (p) =>
      guard(() => this.pinFiles(p.uris), { files: 0, changedFiles: 0, pinned: 0, failed: [] }),
    );
  }

  async pinFiles(uris: string[]): Promise<PinFilesResult> {
    const result: PinFilesResult = { files: 0, changedFiles: 0, pinned: 0, failed: [] };
    if (!this.settings.online) {
      for (const uri of uris)
        result.failed.push({ uri, reference: '', reason: 'registry lookups are off (offline or Restricted Mode)' });
      return result;
    }
    const documentChanges: TextDocumentEdit[] = [];
    for (const uri of uris) {
      const open = this.checker.documents.get(uri);
      const document = open ?? (await readDocumentFromDisk(uri));
      if (!document) {
        result.failed.push({ uri, reference: '', reason: 'the file could not be read' });
        continue;
      }
      result.files++;
      const analysis = this.checker.analyze(uri, document.getText(), document.languageId);
      if (!analysis) continue;
      // An open document is updated in place as the user types: remember what the plan is made on.
      const plannedVersion = document.version;
      const refs = uniqueReferences(analysis).filter((ref) => !ref.digest);
      const facts = await this.lookup.gather(refs, { digest: true });
      const plan = planPins(analysis, (r) => (r.reference ? facts.get(r.reference.raw) : undefined));
      for (const f of plan.failed) result.failed.push({ uri, reference: f.reference, reason: f.reason });
      if (plan.edits.length === 0) continue;
      // The lookups take time: an edit planned on text the user has changed since must not land.
      if (open && this.checker.documents.get(uri)?.version !== plannedVersion) {
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
    if (!result.changedFiles) return result;
    const edit: WorkspaceEdit = this.settings.abilities.documentChanges
      ? { documentChanges }
      : { changes: Object.fromEntries(documentChanges.map((d) => [d.textDocument.uri, d.edits as TextEdit[]])) };
    const applied = await this.connection.workspace.applyEdit({ label: PIN_FILES_EDIT_LABEL, edit });
    if (!applied.applied) {
      result.failed.push({
        uri: '',
        reference: '',
        reason: `the editor did not apply the edits${applied.failureReason ? `: ${applied.failureReason}` : ''}`,
      });
      result.changedFiles = 0;
      result.pinned = 0;
    }
    return result;
  }
}
