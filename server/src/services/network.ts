// Everything that talks to the network, built from NetworkSettings: one network door
// (net/httpClient.ts) that every client sends through, the registry client (with its cache), the
// Docker Hub client, the end-of-life refresh, signature lookups, and the facts service over them.
import { DEFAULT_OSV_URL, type NetworkSettings } from '../core/settings';
import { ProvenanceLookup } from '../provenance/provenanceLookup';
import { createAdvisorySource } from '../vuln/advisorySources';
import { ImageInventoryReader } from '../vuln/imageInventory';
import { OsvHttp } from '../vuln/osvHttp';
import { VulnerabilityScanner } from '../vuln/vulnerabilityScanner';
import { createHubClient } from '../hub';
import { HttpClient, RunBudget, type RequestCounts, type RequestInfo } from '../net';
import { createRegistryClient } from '../registry';
import type { RegistryHealth } from '../registry/types';
import { findSignatures } from '../signatures';
import { trustedRootFromFile, type TrustedRootResult } from '../signatures/trustedRoot';
import { TrustedRootRefresher } from '../signatures/trustedRootRefresh';
import { EolRefresher } from './eolRefresh';
import { errorAnswer, ImageFactsService } from './imageFacts';
import { recordHubLosses, recordRegistryLosses } from './lossRecording';
import { LookupLossLog } from './lookupLosses';
import { createPublisherLookup } from './publisherLookup';

/** Default network time of one run (a CLI lint or pin, the editor's network pass for one document). */
export const DEFAULT_RUN_BUDGET_MS = 60_000;

export interface Network {
  readonly settings: NetworkSettings;
  readonly facts: ImageFactsService;
  /** The door every request goes through; new API clients (OSV …) are adapters over it. */
  readonly http: HttpClient;
  /** Package lists of images (SBOM attestation or layers), cached by layer digest. */
  readonly inventories: ImageInventoryReader;
  /** Registries and services failing now (unreachable, or lookups lost), and Docker Hub's quota. */
  health(): RegistryHealth;
  onHealthChange(listener: () => void): void;
  /** Requests sent so far (each retry counts), in total, per service and per purpose. */
  requestCounts(): RequestCounts;
  /** Lookups that failed and took findings with them, per service (said once each; never silent). */
  readonly losses: LookupLossLog;
  /**
   * Starts the time budget of a run that owns this network (the CLI): every request, shared ones
   * included, ends when it runs out. The editor passes a budget's signal per document instead.
   */
  startRun(budgetMs?: number): RunBudget;
  /** Forgets every cached answer (memory and disk) of the registry and Docker Hub. */
  clearCache(): Promise<void>;
  /** Waits for pending disk-cache writes, ends what is still running and closes every connection. */
  dispose(): Promise<void>;
}

export interface NetworkOptions {
  /** Hears every request that goes out (each retry too). */
  onRequest?: (info: RequestInfo) => void;
  env?: NodeJS.ProcessEnv;
}

export function createNetwork(settings: NetworkSettings, options: NetworkOptions = {}): Network {
  const http = new HttpClient({
    connectionsPerOrigin: settings.connectionsPerRegistry,
    requestDeadlineMs: settings.requestDeadlineMs,
    insecureHosts: settings.insecureRegistries,
    onRequest: options.onRequest,
  });
  const losses = new LookupLossLog();
  const registry = createRegistryClient(settings, { http, env: options.env });
  const registryClient = recordRegistryLosses(registry.client, losses);
  const cacheRoot = settings.cacheDir === '' ? '' : (settings.cacheDir ?? registry.cacheDir);
  const hubClient = createHubClient({ hubUrl: settings.hubUrl, offline: settings.offline, cacheDir: cacheRoot, http });
  const hub = recordHubLosses(hubClient, losses, hostOf(settings.hubUrl));
  // The end-of-life refresh is opt-in: the shipped snapshot needs no request.
  const eol = settings.eolApiUrl
    ? new EolRefresher({
        baseUrl: settings.eolApiUrl,
        offline: settings.offline,
        cacheDir: cacheRoot || undefined,
        http,
        losses,
      })
    : undefined;
  // The user's trusted root replaces the shipped public-good one (read once; a bad file is said
  // on every keyless check rather than silently replaced by another root). Otherwise the
  // public-good root, refreshed through TUF at most daily when online.
  let userRoot: TrustedRootResult | undefined;
  const tuf = settings.sigstoreTrustedRoot
    ? undefined
    : new TrustedRootRefresher({
        http,
        offline: settings.offline,
        cacheDir: cacheRoot || undefined,
        mirrorUrl: settings.sigstoreTuf?.mirrorUrl,
        rootJson: settings.sigstoreTuf?.rootJson,
        losses,
      });
  const sigstoreRoot = async (): Promise<TrustedRootResult> =>
    settings.sigstoreTrustedRoot
      ? (userRoot ??= trustedRootFromFile(settings.sigstoreTrustedRoot))
      : tuf!.trustedRoot();
  const inventories = new ImageInventoryReader({ registry: registry.client, cacheDir: cacheRoot || undefined });
  const vulnerabilities = new VulnerabilityScanner(
    inventories,
    createAdvisorySource({
      osvUrl: settings.osvUrl ?? DEFAULT_OSV_URL,
      vulnDbDir: settings.vulnDbDir,
      cacheDir: cacheRoot || undefined,
      http: new OsvHttp(http),
    }),
  );
  const healthListeners: Array<() => void> = [];
  vulnerabilities.onFailureChange(() => healthListeners.forEach((l) => l()));
  const facts = new ImageFactsService({
    registry: registryClient,
    eol,
    vulnerabilities,
    provenance: new ProvenanceLookup(registry.client),
    offline: settings.offline,
    verifyDigests: (registry) => registry !== 'docker.io' || !!settings.registryMirrors['docker.io'],
    publishers: createPublisherLookup(hub, registryClient),
    signatures: {
      async check(repo, digest, request, signal) {
        const result = await findSignatures(
          registryClient,
          repo,
          digest,
          // The root is loaded (and refreshed) only when a keyless signature is met.
          { keys: request.keys, stateKeys: request.stateKeys, sigstore: request.verify ? sigstoreRoot : undefined },
          signal,
        );
        return result.ok
          ? { state: 'known', value: result.value, fetchedAt: result.fetchedAt, fromCache: result.fromCache }
          : errorAnswer(result.error, 'tag');
      },
    },
  });
  let disposed: Promise<void> | undefined;
  return {
    settings,
    facts,
    http,
    inventories,
    // The status lists every service whose lookups are failing now: unreachable registries, lookups
    // lost otherwise (refused for lack of credentials, unusable answers, the budget), and an
    // advisory source that failed.
    health: () => {
      const health = registry.health();
      const listed = new Set(health.unreachable.map((u) => u.registry));
      for (const lost of losses.current())
        if (!listed.has(lost.service)) health.unreachable.push({ registry: lost.service, message: lost.message });
      const osv = vulnerabilities.lastFailure();
      if (osv) health.unreachable.push({ registry: osv.service, message: osv.message });
      return health;
    },
    onHealthChange: (listener) => {
      healthListeners.push(listener);
      registry.onHealthChange(listener);
      losses.onChange(listener);
    },
    requestCounts: () => http.requestCounts(),
    losses,
    startRun: (budgetMs) => {
      const budget = new RunBudget(budgetMs ?? settings.runBudgetMs ?? DEFAULT_RUN_BUDGET_MS);
      http.useRunBudget(budget);
      return budget;
    },
    clearCache: async () => {
      facts.clear();
      losses.clear();
      vulnerabilities.clear();
      await Promise.all([registry.clearCache(), hub.clearCache()]);
    },
    dispose: () =>
      (disposed ??= (async () => {
        // Disk writes first (they need no connection), then end whatever is still running.
        await Promise.all([registry.dispose(), hub.dispose()]);
        await http.close();
        await eol?.dispose();
      })()),
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
