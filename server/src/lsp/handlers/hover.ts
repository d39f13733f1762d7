// textDocument/hover on an image reference: what is known about it (features/hover.ts renders).
import type { CancellationToken, Connection, Hover, HoverParams } from 'vscode-languageserver';
import { rangeContains } from '../../core/ranges';
import { renderHover } from '../../features/hover';
import { bakeNotesFor } from '../../services/bakeOverrides';
import { ALL_FACTS, factsWantedFor, signatureWanted } from '../../services/imageFacts';
import { fileUriToPath } from '../documentUris';
import type { SettingsState } from '../settingsState';
import { wantedFor, type DocumentChecker } from './documents';
import type { FactsLookup } from './factsLookup';

export class HoverHandler {
  constructor(
    private readonly settings: SettingsState,
    private readonly checker: DocumentChecker,
    private readonly lookup: FactsLookup,
  ) {}

  register(connection: Pick<Connection, 'onHover'>, guard: <T>(work: () => Promise<T>, fallback: T) => Promise<T>) {
    connection.onHover((params, token) => guard(() => this.hover(params, token), null));
  }

  async hover(params: HoverParams, token?: CancellationToken): Promise<Hover | null> {
    const state = this.checker.state(params.textDocument.uri);
    if (!this.checker.documents.get(params.textDocument.uri) || !state) return null;
    const analyzed = state.analysis.references.find((r) => rangeContains(r.occurrence.range, params.position));
    if (!analyzed) return null;
    const facts = analyzed.reference
      ? ((
          await this.lookup.gather(
            [analyzed.reference],
            // The hover always verifies who signed, whatever the policy asks.
            (ref) =>
              wantedFor(state, ref, {
                ...factsWantedFor(state.policy),
                ...ALL_FACTS,
                ...signatureWanted(state.policy),
              }),
            token,
          )
        ).get(analyzed.reference.raw) ?? {})
      : {};
    if (token?.isCancellationRequested) return null;
    const findings = this.checker.evaluate(
      { ...state.analysis, problems: [], references: [analyzed] },
      state.policy,
      () => facts,
    );
    const online = this.settings.online;
    let value = renderHover({
      analyzed,
      facts,
      policy: state.policy,
      findings,
      online,
      uri: params.textDocument.uri,
      position: params.position,
      client: this.settings.hoverFeatures,
    });
    // A bake file in the workspace may replace this FROM's image with a `contexts` entry.
    const path = fileUriToPath(params.textDocument.uri);
    if (state.analysis.kind === 'dockerfile' && path) {
      const notes = bakeNotesFor(path, analyzed.occurrence, this.settings.workspaceFolders);
      if (notes.length) value += `\n\n---\n\n${notes.join('\n\n')}`;
    }
    return { contents: { kind: 'markdown', value }, range: analyzed.occurrence.range };
  }
}
