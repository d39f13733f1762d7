// An AbortSignal for the network lookups of one LSP request: aborted when the client cancels the
// request ($/cancelRequest, e.g. the user moved the mouse away from a hover) or when the lookups
// take longer than the request may wait.
import type { CancellationToken } from 'vscode-languageserver';

export interface RequestSignal {
  signal: AbortSignal;
  dispose(): void;
}

export function requestSignal(token: CancellationToken | undefined, timeoutMs: number): RequestSignal {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const listener = token?.onCancellationRequested(() => abort.abort(new Error('the request was cancelled')));
  if (token?.isCancellationRequested) abort.abort(new Error('the request was cancelled'));
  return {
    signal: abort.signal,
    dispose() {
      clearTimeout(timer);
      listener?.dispose();
    },
  };
}
