// RFC 8288 `Link` headers, as registries send them for tag-list pages:
// `</v2/library/postgres/tags/list?n=1000&last=foo>; rel="next"`.

/** The `rel="next"` target, resolved against the request URL; undefined if absent. */
export function nextLink(header: string | undefined, requestUrl: string): URL | undefined {
  if (!header) return undefined;
  const pattern = /<([^>]*)>\s*((?:;\s*[^;,]+)*)/g;
  for (const match of header.matchAll(pattern)) {
    const params = match[2];
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(params);
    if (!rel || !rel[1].toLowerCase().split(/\s+/).includes('next')) continue;
    try {
      return new URL(match[1], requestUrl);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
