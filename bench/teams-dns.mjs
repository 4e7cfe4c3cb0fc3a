// Preloaded (`node --import`) into both servers of the Teams vote-path benchmark, the project and the botbuilder
// baseline alike: the Microsoft hosts named in BENCH_TEAMS_HOSTS resolve to BENCH_TEAMS_IP, where bench/fake-teams.ts
// answers with a certificate the process trusts through NODE_EXTRA_CA_CERTS. Everything else resolves as usual, and
// nothing in the code under test changes: its TLS, HTTP clients and token checks run as they do in production.
import dns from 'node:dns';
import process from 'node:process';

const ip = process.env.BENCH_TEAMS_IP;
const hosts = new Set((process.env.BENCH_TEAMS_HOSTS ?? '').split(',').filter(Boolean));

if (ip && hosts.size > 0) {
  const original = dns.lookup;
  const patched = function lookup(hostname, options, callback) {
    const cb = typeof options === 'function' ? options : callback;
    const opts = typeof options === 'function' || options === undefined ? {} : typeof options === 'number' ? { family: options } : options;
    if (!hosts.has(String(hostname).toLowerCase())) return original.call(dns, hostname, options, callback);
    process.nextTick(() => (opts.all ? cb(null, [{ address: ip, family: 4 }]) : cb(null, ip, 4)));
    return {};
  };
  dns.lookup = patched;
}
