// A registry that speaks the OCI referrers API (docs/registries.md §6.3), for the one thing Debian's
// distribution 2.8 cannot show: `GET /v2/<name>/referrers/<digest>`. Everything else is passed
// through to a real test registry; the referrers listed are the ones the test registers (as a
// registry would index the `subject` of pushed manifests). It logs every request path so a test
// can check the API was used and the fallback tag was not.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReferrerDescriptor } from './cosign';

export interface ReferrersServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`: the registry name to use in repository names. */
  host: string;
  /** Request paths (with query), in order. */
  paths: string[];
  /** Lists `descriptor` as a referrer of `subjectDigest` in `repo`. */
  addReferrer(repo: string, subjectDigest: string, descriptor: ReferrerDescriptor): void;
  close(): Promise<void>;
}

export interface ReferrersServerOptions {
  /** Entries per page; more are reached through a `Link: <...>; rel="next"` header. Default: all on one page. */
  pageSize?: number;
}

export async function startReferrersServer(
  upstreamUrl: string,
  options: ReferrersServerOptions = {},
): Promise<ReferrersServer> {
  const referrers = new Map<string, ReferrerDescriptor[]>();
  const paths: string[] = [];
  const upstream = new URL(upstreamUrl);

  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://registry.test');
    const match = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(url.pathname);
    if (match && (req.method === 'GET' || req.method === 'HEAD')) {
      const [, repo, digest] = match;
      if (!/^sha256:[a-f0-9]{64}$/.test(digest)) {
        res.writeHead(400, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ errors: [{ code: 'DIGEST_INVALID', message: 'invalid digest' }] }));
      }
      let list = referrers.get(`${repo}@${digest}`) ?? [];
      const headers: Record<string, string> = { 'content-type': 'application/vnd.oci.image.index.v1+json' };
      const artifactType = url.searchParams.get('artifactType');
      if (artifactType) {
        list = list.filter((d) => d.artifactType === artifactType);
        headers['oci-filters-applied'] = 'artifactType';
      }
      const page = Number(url.searchParams.get('page') ?? '0');
      const size = options.pageSize ?? Math.max(list.length, 1);
      const slice = list.slice(page * size, (page + 1) * size);
      if ((page + 1) * size < list.length) {
        const next = new URL(url.pathname, 'http://registry.test');
        next.search = url.search;
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.pathname}${next.search}>; rel="next"`;
      }
      // No referrers is an empty list, never 404: a 404 means "no referrers API" (§6.3).
      const body = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: slice,
      });
      res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
      return res.end(req.method === 'HEAD' ? undefined : body);
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    paths,
    addReferrer(repo, subjectDigest, descriptor) {
      const key = `${repo}@${subjectDigest}`;
      referrers.set(key, [...(referrers.get(key) ?? []), descriptor]);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
