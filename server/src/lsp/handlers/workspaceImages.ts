// imageTrust/workspaceImages: every image reference in the workspace folders, found by the same
// folder walk as `image-trust lint` (open or not), with what is known about each right now
// (offline facts and earlier answers, so it works offline). References nothing is known about yet
// are looked up afterwards; imageTrust/workspaceImagesChanged then tells the client to ask again.
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DocumentAnalysis } from '../../core/analyze';
import type { ImageFacts } from '../../core/facts';
import type { Policy } from '../../core/settings';
import type { Finding, ImageReference } from '../../core/types';
import { collectFiles, readSource } from '../../workspace/files';
import { imagePlaces, type ImagePlace } from '../../features/workspaceImages';
import type { WorkspaceImagesResult } from '../../../../protocol/messages';
import type { Connection } from 'vscode-languageserver';
import { ALL_FACTS } from '../../services/imageFacts';
import { WorkspaceImagesChangedNotification, WorkspaceImagesRequest } from '../protocol';
import type { SettingsState } from '../settingsState';
import type { DocumentChecker } from './documents';
import type { FactsLookup } from './factsLookup';

/** A workspace larger than this is listed in part, and the answer says so. */
export const MAX_WORKSPACE_FILES = 2_000;

/** What the server knows, as the handler needs it. */
export interface WorkspaceImagesSource {
  openText(uri: string): string | undefined;
  analyze(uri: string, text: string): DocumentAnalysis | undefined;
  policy(uri: string): Policy;
  evaluate(analysis: DocumentAnalysis, policy: Policy, factsFor: (raw: string) => ImageFacts | undefined): Finding[];
  knownFacts(ref: ImageReference): ImageFacts | undefined;
  /** True when a registry answer (not only offline facts) is remembered for the reference. */
  answered(ref: ImageReference): boolean;
  online(): boolean;
  /** Looks the references up and remembers the answers. */
  lookUp(refs: ImageReference[]): Promise<void>;
}

export type { WorkspaceImagesResult };

/** Wires imageTrust/workspaceImages to what the document checker and the lookups know. */
export function registerWorkspaceImages(
  connection: Pick<Connection, 'onRequest' | 'sendNotification'>,
  settings: SettingsState,
  checker: DocumentChecker,
  lookup: FactsLookup,
  guard: <T>(work: () => Promise<T>, fallback: T) => Promise<T>,
): WorkspaceImages {
  const images = new WorkspaceImages(
    {
      openText: (uri) => checker.documents.get(uri)?.getText(),
      analyze: (uri, text) => checker.analyze(uri, text),
      policy: (uri) => checker.policyFor(uri).policy,
      evaluate: (analysis, policy, factsFor) =>
        checker.evaluate(analysis, policy, (r) => (r.reference ? factsFor(r.reference.raw) : undefined)),
      knownFacts: (ref) => checker.factsSync(ref),
      answered: (ref) => checker.hasAnswer(ref),
      online: () => settings.online,
      lookUp: async (refs) => {
        await lookup.gather(refs, ALL_FACTS);
      },
    },
    () => void connection.sendNotification(WorkspaceImagesChangedNotification),
  );
  connection.onRequest(WorkspaceImagesRequest, (p) =>
    guard(async () => images.list(p.folders), { places: [], truncated: false }),
  );
  return images;
}

export class WorkspaceImages {
  private lookingUp = false;

  constructor(
    private readonly source: WorkspaceImagesSource,
    private readonly changed: () => void,
  ) {}

  list(folders: string[]): WorkspaceImagesResult {
    const paths = folders.flatMap((uri) => {
      try {
        return [fileURLToPath(uri)];
      } catch {
        return [];
      }
    });
    let files: Array<{ path: string }> = [];
    try {
      files = paths.length ? collectFiles(paths) : [];
    } catch {
      // A folder that cannot be read lists nothing rather than failing the view.
    }
    const places: ImagePlace[] = [];
    const unknown = new Map<string, ImageReference>();
    for (const file of files.slice(0, MAX_WORKSPACE_FILES)) {
      const uri = pathToFileURL(file.path).toString();
      let text = this.source.openText(uri);
      if (text === undefined) {
        try {
          text = readSource(file.path).text;
        } catch {
          continue;
        }
      }
      const analysis = this.source.analyze(uri, text);
      if (!analysis) continue;
      const policy = this.source.policy(uri);
      const byRaw = new Map(analysis.references.flatMap((r) => (r.reference ? [[r.reference.raw, r.reference]] : [])));
      const factsFor = (raw: string) => {
        const ref = byRaw.get(raw);
        return ref ? this.source.knownFacts(ref) : undefined;
      };
      for (const ref of byRaw.values()) if (!this.source.answered(ref)) unknown.set(ref.raw, ref);
      places.push(...imagePlaces(uri, analysis, policy, this.source.evaluate(analysis, policy, factsFor), factsFor));
    }
    if (unknown.size && this.source.online() && !this.lookingUp) void this.lookUp([...unknown.values()]);
    return { places, truncated: files.length > MAX_WORKSPACE_FILES };
  }

  private async lookUp(refs: ImageReference[]): Promise<void> {
    this.lookingUp = true;
    try {
      await this.source.lookUp(refs);
    } catch {
      // Failures are in the registry health the status reports.
    } finally {
      this.lookingUp = false;
    }
    this.changed();
  }
}
