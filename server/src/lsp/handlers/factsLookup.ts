// Network lookups on behalf of one LSP request: bounded in time, abandoned when the client cancels
// the request, and remembered for the diagnostics of the next keystroke.
import type { CancellationToken } from 'vscode-languageserver';
import type { ImageFacts } from '../../core/facts';
import type { ImageReference } from '../../core/types';
import type { FactsWanted } from '../../services/imageFacts';
import { requestSignal } from '../requestSignal';
import type { SettingsState } from '../settingsState';
import type { DocumentChecker } from './documents';

/** How long a hover or code action may wait for registries before answering with what it has. */
export const REQUEST_NETWORK_TIMEOUT_MS = 8_000;

export class FactsLookup {
  /** Called when lookups finished (answered or failed): the registries were asked. */
  onLookupsDone: () => void = () => undefined;

  constructor(
    private readonly settings: SettingsState,
    private readonly checker: DocumentChecker,
  ) {}

  /** Facts for each reference: from the network when online, else the offline facts. */
  async gather(
    refs: readonly ImageReference[],
    wanted: FactsWanted | ((ref: ImageReference) => FactsWanted),
    token?: CancellationToken,
  ): Promise<Map<string, ImageFacts>> {
    const network = this.settings.network;
    const facts = new Map<string, ImageFacts>();
    if (network.settings.offline) {
      for (const ref of refs) facts.set(ref.raw, network.facts.offlineFacts(ref));
      return facts;
    }
    const request = requestSignal(token, REQUEST_NETWORK_TIMEOUT_MS);
    try {
      await Promise.all(
        refs.map(async (ref) => {
          const found = await network.facts.gather(
            ref,
            typeof wanted === 'function' ? wanted(ref) : wanted,
            request.signal,
          );
          facts.set(ref.raw, found);
          if (!request.signal.aborted) this.checker.rememberFacts(ref, found);
        }),
      );
    } finally {
      request.dispose();
    }
    if (refs.length) this.onLookupsDone();
    return facts;
  }
}
