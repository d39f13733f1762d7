// A local OSV API with its documented shapes (google/osv.dev docs/api): `POST /v1/querybatch`
// answers ids and modified times in query order, `GET /v1/vulns/{id}` the full record, and the
// export bucket's files (docs/data.md): `/<Ecosystem>/all.zip`, `/<Ecosystem>/modified_id.csv`
// (`<iso modified>,<id>` newest first) and `/<Ecosystem>/<id>.json`. Which record concerns which package version is
// a fixed table, written by the test, not computed: the client's own matching is what is tested.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

export interface OsvFixture {
  url: string;
  /** `${method} ${path}` of every request. */
  log: string[];
  /** Swap behaviour mid-test: 'ok', 'down' (connection reset), 'lying' (wrong shapes), 'huge' (a body over the cap). */
  mode: 'ok' | 'down' | 'lying' | 'huge';
  /** Adds or replaces a record (a record modified after an export was downloaded). */
  put(record: OsvFixtureData['records'][number]): void;
  /** The export files' Last-Modified time. */
  exportedAt: Date;
  stop(): Promise<void>;
}

export interface OsvFixtureData {
  records: Array<Record<string, unknown> & { id: string; modified: string }>;
  /** `${ecosystem}|${name}|${version}` → advisory ids affecting it. */
  affects: Record<string, string[]>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => resolve(text));
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A zip archive with stored (uncompressed) entries: the PKWARE APPNOTE local headers + central directory. */
export function storedZip(files: Array<{ name: string; content: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name);
    const crc = crc32(f.content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(f.content.length, 18);
    local.writeUInt32LE(f.content.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(f.content.length, 20);
    central.writeUInt32LE(f.content.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, f.content);
    centrals.push(central, name);
    offset += local.length + name.length + f.content.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export async function startOsvServer(shared: OsvFixtureData, host = '127.0.0.1'): Promise<OsvFixture> {
  // put() changes this server's copy only.
  const data: OsvFixtureData = { ...shared, records: [...shared.records] };
  const byId = new Map(data.records.map((r) => [r.id, r]));
  const fixture: OsvFixture = {
    url: '',
    log: [],
    mode: 'ok',
    exportedAt: new Date(),
    put(record) {
      const at = data.records.findIndex((r) => r.id === record.id);
      if (at >= 0) data.records[at] = record;
      else data.records.push(record);
      byId.set(record.id, record);
    },
    stop: async () => undefined,
  };
  const inEcosystem = (ecosystem: string) =>
    data.records.filter((r) =>
      (r.affected as Array<{ package: { ecosystem: string } }>).some(
        (a) => a.package.ecosystem.split(':')[0] === ecosystem,
      ),
    );
  const server: Server = createServer(async (req, res) => {
    const path = req.url ?? '/';
    fixture.log.push(`${req.method} ${path}`);
    if (fixture.mode === 'down') {
      req.socket.destroy();
      return;
    }
    if (req.method === 'POST' && path === '/v1/querybatch') {
      let body: { queries?: Array<{ package?: { name?: string; ecosystem?: string }; version?: string }> };
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return send(res, 400, { code: 3, message: 'invalid JSON' });
      }
      const queries = body.queries ?? [];
      if (queries.length > 1000) return send(res, 400, { code: 3, message: 'too many queries' });
      if (fixture.mode === 'lying') return send(res, 200, { results: { vulns: 'none' } });
      if (fixture.mode === 'huge') {
        res.writeHead(200, { 'content-type': 'application/json' });
        const pad = 'x'.repeat(1024 * 1024);
        let sent = 0;
        const more = () => {
          while (sent < 40 && res.write(`"${pad}",`)) sent++;
          if (sent >= 40) res.end('""]}');
        };
        res.write('{"results":[');
        res.on('drain', more);
        res.on('error', () => undefined);
        more();
        return;
      }
      const results = queries.map((q) => {
        if (!q.package?.name || !q.package.ecosystem || !q.version) return {};
        const ids = data.affects[`${q.package.ecosystem}|${q.package.name}|${q.version}`] ?? [];
        return ids.length ? { vulns: ids.map((id) => ({ id, modified: byId.get(id)!.modified })) } : {};
      });
      return send(res, 200, { results });
    }
    const vuln = /^\/v1\/vulns\/([^/?]+)$/.exec(path);
    if (req.method === 'GET' && vuln) {
      const record = byId.get(decodeURIComponent(vuln[1]));
      if (!record) return send(res, 404, { code: 5, message: 'Bug not found.' });
      if (fixture.mode === 'lying') return send(res, 200, { id: record.id, affected: 'everything' });
      return send(res, 200, record);
    }
    const zip = /^\/([A-Za-z]+)\/all\.zip$/.exec(path);
    if (req.method === 'GET' && zip) {
      const records = inEcosystem(zip[1]);
      const bytes = storedZip(records.map((r) => ({ name: `${r.id}.json`, content: Buffer.from(JSON.stringify(r)) })));
      res.writeHead(200, {
        'content-type': 'application/zip',
        'content-length': bytes.length,
        'last-modified': fixture.exportedAt.toUTCString(),
      });
      return res.end(bytes);
    }
    const csv = /^\/([A-Za-z]+)\/modified_id\.csv$/.exec(path);
    if (req.method === 'GET' && csv) {
      const lines = inEcosystem(csv[1])
        .sort((a, b) => Date.parse(b.modified) - Date.parse(a.modified))
        .map((r) => `${r.modified},${r.id}\n`)
        .join('');
      res.writeHead(200, { 'content-type': 'text/csv', 'last-modified': fixture.exportedAt.toUTCString() });
      return res.end(lines);
    }
    const one = /^\/([A-Za-z]+)\/([^/]+)\.json$/.exec(path);
    if (req.method === 'GET' && one) {
      const record = byId.get(decodeURIComponent(one[2]));
      if (!record || !inEcosystem(one[1]).includes(record)) return send(res, 404, { code: 5, message: 'not found' });
      return send(res, 200, record);
    }
    send(res, 404, { code: 5, message: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  fixture.url = `http://${host}:${port}`;
  fixture.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fixture;
}
