// User-facing words go through a Translate function: vscode.l10n.t in the extension, the English
// source text with `{0}` placeholders filled in elsewhere (tests, the pure modules' defaults). The
// English text is the key, as vscode.l10n expects (https://code.visualstudio.com/api/references/vscode-api#l10n).
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

export const english: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, index: string) => (index in args ? String(args[Number(index)]) : whole));
