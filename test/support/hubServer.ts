// A local stand-in for Docker Hub's web API (hub.docker.com), serving the response shapes
// documented in docs/registries.md §4.3 (tag), §5.1 (repository) and §5.2 (search v4 badges) for a
// few repositories of each publisher tier, plus the failure modes a client must survive.
// It counts requests and keeps their headers, so tests can check caching, retries and that no
// credential is ever sent.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubRequest {
  path: string;
  headers: IncomingHttpHeaders;
  at: number;
}

export interface HubTestServer {
  /** Base URL for `hubUrl`, e.g. `http://127.0.0.1:40123`. */
  url: string;
  requests: HubRequest[];
  /** Requests whose path starts with this prefix. */
  count(pathPrefix?: string): number;
  /** For `busy/app`: the unix time (s) the last 429 named in `X-Retry-After`. */
  lastRetryAt?: number;
  /** While true every request answers 503, as when Hub is down. */
  down: boolean;
  /** Forget requests, come back up, and re-arm the one-shot failures (500 once, 429 once). */
  reset(): void;
  close(): Promise<void>;
}

const INDEX = 'application/vnd.oci.image.index.v1+json';
const digest = (c: string) => `sha256:${c.repeat(64)}`;

interface RepoFixture {
  repository: Record<string, unknown>;
  tags: Record<string, Record<string, unknown>>;
  /** Search v4 `badge`; `undefined` = the key is absent from the result. */
  badge?: string | null;
  /** Search does not list it at all. */
  unlisted?: boolean;
}

function repositoryBody(namespace: string, name: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    user: namespace,
    name,
    namespace,
    repository_type: 'image',
    status: 1,
    status_description: 'active',
    description: '',
    is_private: false,
    is_automated: false,
    star_count: 0,
    pull_count: 0,
    last_updated: '2026-07-01T10:00:00.123456Z',
    last_modified: '2026-05-01T00:00:00Z',
    date_registered: '2014-06-05T19:14:45.387427Z',
    collaborator_count: 0,
    affiliation: null,
    hub_user: namespace,
    has_starred: false,
    full_description: '# Quick reference ...',
    permissions: { read: true, write: false, admin: false },
    media_types: [INDEX],
    content_types: ['image'],
    categories: [],
    immutable_tags_settings: { enabled: false, rules: [] },
    storage_size: null,
    source: null,
    ...extra,
  };
}

function tagBody(name: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 123456789,
    name,
    digest: digest('a'),
    media_type: INDEX,
    content_type: 'image',
    last_updated: '2026-07-01T10:00:00.123456Z',
    tag_last_pushed: '2026-07-01T10:00:00.123456Z',
    tag_last_pulled: '2026-07-20T08:00:00Z',
    tag_status: 'active',
    full_size: 20917123,
    v2: true,
    creator: 7,
    last_updater: 1156886,
    last_updater_username: 'doijanky',
    repository: 21639,
    images: [
      {
        architecture: 'amd64',
        os: 'linux',
        variant: null,
        features: '',
        os_features: '',
        os_version: null,
        digest: digest('b'),
        size: 20917123,
        status: 'active',
        last_pulled: '2026-07-20T08:00:00Z',
        last_pushed: '2026-07-01T10:00:00Z',
      },
      {
        architecture: 'arm',
        os: 'linux',
        variant: 'v7',
        digest: digest('c'),
        size: 19000000,
        status: 'active',
        last_pulled: null,
        last_pushed: '2026-07-01T10:00:00Z',
      },
    ],
    ...extra,
  };
}

function fixtures(): Record<string, RepoFixture> {
  return {
    'library/nginx': {
      repository: repositoryBody('library', 'nginx', {
        description: 'Official build of Nginx.',
        star_count: 20000,
        pull_count: 12_000_000_000,
        categories: [{ name: 'Web servers', slug: 'web-servers' }],
      }),
      tags: {
        '1.27-alpine': tagBody('1.27-alpine', {
          images: [
            ...(tagBody('x', {}).images as unknown[]),
            // A BuildKit attestation entry: not a platform (docs/registries.md §6.5).
            { architecture: 'unknown', os: 'unknown', digest: digest('d'), size: 840, status: 'active' },
          ],
        }),
        '1.25': tagBody('1.25', { tag_last_pushed: '2024-04-16T00:00:00Z', digest: digest('e') }),
      },
      badge: 'official',
    },
    'bitnami/redis': {
      repository: repositoryBody('bitnami', 'redis', {
        description: 'Bitnami Redis',
        star_count: 1234,
        pull_count: 1_500_000_000,
      }),
      tags: { '7.2': tagBody('7.2', {}) },
      badge: 'verified_publisher',
    },
    'curlimages/curl': {
      repository: repositoryBody('curlimages', 'curl', { description: 'curl in a container', pull_count: 850 }),
      tags: { latest: tagBody('latest', {}) },
      badge: 'open_source',
    },
    'someuser/nginx': {
      repository: repositoryBody('someuser', 'nginx', { description: 'my nginx', star_count: 3, pull_count: 1200 }),
      tags: {
        '1.25': tagBody('1.25', { images: [{ architecture: 'amd64', os: 'linux', digest: digest('f'), size: 10 }] }),
      },
      badge: 'none',
    },
    'otheruser/tool': {
      repository: repositoryBody('otheruser', 'tool', {}),
      tags: {},
      badge: null,
    },
    // Fields missing, mistyped (OpenAPI-style strings) or unknown: the client must cope.
    'sparse/thing': {
      repository: {
        name: 'thing',
        namespace: 'sparse',
        pull_count: 'lots',
        star_count: null,
        brand_new_field: { x: 1 },
      },
      tags: {
        v1: {
          name: 'v1',
          v2: 'true',
          full_size: '4096',
          images: [{ os: 'linux' }, 'junk', { os: 'linux', architecture: 's390x' }],
          surprise: [],
        },
        bare: {},
      },
      badge: undefined,
    },
    'flaky/app': {
      repository: repositoryBody('flaky', 'app', { description: 'works the second time' }),
      tags: {},
      badge: 'none',
    },
    'busy/app': {
      repository: repositoryBody('busy', 'app', { description: 'rate limited once' }),
      tags: {},
      badge: 'none',
    },
    'private/hidden': {
      repository: repositoryBody('private', 'hidden', {}),
      tags: {},
      unlisted: true,
    },
  };
}

export async function startHubServer(): Promise<HubTestServer> {
  const repos = fixtures();
  const requests: HubRequest[] = [];
  let flakyFailed = false;
  let busyLimited = false;

  const state: HubTestServer = {
    url: '',
    requests,
    down: false,
    count: (prefix = '') => requests.filter((r) => r.path.startsWith(prefix)).length,
    reset() {
      requests.length = 0;
      flakyFailed = false;
      busyLimited = false;
      state.down = false;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub.test');
    requests.push({ path: url.pathname + url.search, headers: req.headers, at: Date.now() });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
    if (req.method !== 'GET') return send(405, { detail: 'method not allowed' });
    if (state.down) return send(503, { detail: 'service unavailable' });

    if (url.pathname === '/api/search/v4') {
      const query = (url.searchParams.get('query') ?? '').toLowerCase();
      const term = query.split('/').pop() ?? '';
      // Fuzzy like the real search: every repository whose name contains the last part of the query.
      const results = Object.entries(repos)
        .filter(([full, f]) => !f.unlisted && full.split('/')[1].includes(term))
        .map(([full, f]) => {
          const [namespace, name] = full.split('/');
          const shown = namespace === 'library' ? name : full;
          const result: Record<string, unknown> = {
            id: full,
            name: shown,
            slug: shown,
            type: 'image',
            publisher: { id: namespace, name: namespace },
            created_at: '2020-01-01T00:00:00Z',
            updated_at: '2026-07-01T00:00:00Z',
            short_description: '',
            star_count: 1,
            pull_count: '1B+',
            operating_systems: [{ name: 'linux', label: 'Linux' }],
            architectures: [{ name: 'arm64', label: 'ARM 64' }],
            logo_url: { large: '', small: '' },
            extension_reviewed: false,
            categories: [],
            archived: false,
          };
          if (f.badge !== undefined) result.badge = f.badge;
          return result;
        });
      return send(200, { total: results.length, results });
    }

    const match = /^\/v2\/namespaces\/([^/]+)\/repositories\/([^/]+)(?:\/tags\/([^/]+))?\/?$/.exec(url.pathname);
    if (!match) return send(404, { message: 'page not found' });
    const [, namespace, name, tag] = match.map((m) => (m === undefined ? m : decodeURIComponent(m)));
    const full = `${namespace}/${name}`;
    if (full === 'flaky/app' && !flakyFailed) {
      flakyFailed = true;
      return send(500, { message: 'internal error' });
    }
    if (full === 'busy/app' && !busyLimited) {
      busyLimited = true;
      state.lastRetryAt = Math.floor(Date.now() / 1000) + 1;
      return send(
        429,
        { detail: 'Rate limit exceeded', error: false },
        {
          'x-ratelimit-limit': '180',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(state.lastRetryAt),
          'x-retry-after': String(state.lastRetryAt),
        },
      );
    }
    if (full === 'banned/app') {
      return send(
        429,
        { detail: 'Rate limit exceeded', error: false },
        { 'x-retry-after': String(Math.floor(Date.now() / 1000) + 3600) },
      );
    }
    if (full === 'broken/app') return send(502, '<html>bad gateway</html>', { 'content-type': 'text/html' });
    if (full === 'garbled/app') return send(200, 'not json at all', { 'content-type': 'text/plain' });
    if (full === 'slow/app') {
      const timer = setTimeout(() => send(200, repositoryBody('slow', 'app', {})), 5_000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    const repo = repos[full];
    if (!repo) return send(404, { message: 'object not found', errinfo: { namespace, repository: name } });
    if (tag === undefined) return send(200, repo.repository);
    const tagBodyFound = repo.tags[tag];
    if (!tagBodyFound)
      return send(404, {
        message: `httperror 404: tag '${tag}' not found`,
        errinfo: { namespace, repository: name, tag },
      });
    return send(200, tagBodyFound);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
