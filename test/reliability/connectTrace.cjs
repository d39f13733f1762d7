// Preloaded (NODE_OPTIONS=--require) into the server or CLI under test: appends every outgoing
// connection and name lookup to $IMAGE_TRUST_CONNECT_LOG, so a test can prove that no connection
// to a host was even attempted.
const fs = require('node:fs');
const net = require('node:net');
const tls = require('node:tls');
const dns = require('node:dns');
const file = process.env.IMAGE_TRUST_CONNECT_LOG;
function note(kind, host, port) {
  if (file) fs.appendFileSync(file, `${kind} ${host}:${port ?? ''}\n`);
}
function target(args) {
  const a = args[0];
  if (a && typeof a === 'object') return [a.host ?? a.servername ?? 'localhost', a.port];
  return [typeof args[1] === 'string' ? args[1] : 'localhost', a];
}
for (const [mod, name, kind] of [[net, 'connect', 'tcp'], [net, 'createConnection', 'tcp'], [tls, 'connect', 'tls']]) {
  const original = mod[name];
  mod[name] = function (...args) {
    const [host, port] = target(args);
    note(kind, host, port);
    return original.apply(this, args);
  };
}
const lookup = dns.lookup;
dns.lookup = function (host, ...rest) {
  note('dns', host, '');
  return lookup.call(this, host, ...rest);
};
