// Walking a paged registry list (tags/list, referrers): `Link: <…>; rel="next"` (RFC 8288, the
// distribution spec's pagination) followed only on the same origin (a next page elsewhere would be
// a request the user never configured: an SSRF guard), with caps across all pages on the number of
// items, the bytes read and the pages, so a registry that invents pages forever cannot run us out
// of memory. Reaching a cap cuts the list and says so; it is not an error.
import { nextLink } from './links';
import type { HttpExchange } from './transport';
import type { RegistryError, RegistryResult } from './types';

export interface PageLimits {
  maxPages: number;
  maxItems: number;
  /** Body bytes across every page together. */
  maxBytes: number;
  /** Body bytes of one page. */
  maxPageBytes: number;
}

export interface PagedList<T> {
  /** The first page's URL. */
  first: URL;
  registry: string;
  /** `The tag list of ghcr.io/a/b`: the start of messages. */
  label: string;
  limits: PageLimits;
  /** GET one page with at most `maxBodyBytes`; a non-200 answer comes back as an error value. */
  fetchPage(url: URL, maxBodyBytes: number): Promise<RegistryResult<HttpExchange>>;
  /** The page's items, or a sentence saying why the body is not a page. */
  parsePage(body: Buffer): { items: T[] } | { unusable: string };
  /** Identity for de-duplication across pages (a registry that repeats itself is stopped). */
  keyOf(item: T): string;
  /** Where to continue when the answer has no Link header (tags: `?last=`); undefined to stop. */
  continueWithout?(page: { url: URL; items: T[]; added: number }): URL | undefined;
}

export type PagedResult<T> =
  | { ok: true; items: T[]; /** Why the list is incomplete, when a cap cut it. */ cut?: string }
  | {
      ok: false;
      error: RegistryError;
      /** Index of the page that failed; 0 is the first. */
      page: number;
      /** The page came but its body is not a page of this list. */
      unusable?: boolean;
    };

function protocolError(registry: string, message: string): RegistryError {
  return { kind: 'protocol', registry, message };
}

export async function walkPages<T>(list: PagedList<T>): Promise<PagedResult<T>> {
  const { limits, registry, label } = list;
  const items: T[] = [];
  const seen = new Set<string>();
  let bytes = 0;
  let url: URL | undefined = list.first;
  for (let page = 0; url; page++) {
    if (page >= limits.maxPages)
      return { ok: true, items, cut: `${label} has more than ${limits.maxPages} pages; read the first ${page}.` };
    const remaining = limits.maxBytes - bytes;
    const pageCap = Math.min(limits.maxPageBytes, remaining);
    const sent = await list.fetchPage(url, pageCap);
    if (!sent.ok) {
      // A page that would pass the total is the end of what we read, not a failure of the registry.
      if (sent.error.tooLarge && page > 0 && pageCap < limits.maxPageBytes)
        return {
          ok: true,
          items,
          cut: `${label} is longer than ${Math.round(limits.maxBytes / 1024)} KiB; cut there.`,
        };
      return { ok: false, error: sent.error, page };
    }
    const response = sent.value;
    bytes += response.body.length;
    const parsed = list.parsePage(response.body);
    if ('unusable' in parsed)
      return { ok: false, error: protocolError(registry, parsed.unusable), page, unusable: true };
    let added = 0;
    for (const item of parsed.items) {
      const key = list.keyOf(item);
      if (seen.has(key)) continue;
      if (items.length >= limits.maxItems)
        return { ok: true, items, cut: `${label} has more than ${limits.maxItems} entries; cut there.` };
      seen.add(key);
      items.push(item);
      added++;
    }
    const link = nextLink(response.headers.link, response.url);
    if (link && link.origin !== new URL(response.url).origin) {
      return {
        ok: false,
        error: protocolError(registry, `${label} points its next page at another host; not following it.`),
        page,
      };
    }
    // A page of nothing new: the registry loops.
    if (added === 0 && parsed.items.length > 0) break;
    url = link ?? list.continueWithout?.({ url, items: parsed.items, added });
  }
  return { ok: true, items };
}
