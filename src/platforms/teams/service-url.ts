// Where the bot may send Bot Connector calls: the Bot Framework's documented service hosts, and the Emulator on localhost.
/**
 * Teams' public cloud, GCC, GCC High and DoD connector hosts (the M365 Agents SDK's TeamsProactiveServiceEndpoints),
 * matched exactly: a suffix like `.trafficmanager.net` would let anyone with an Azure subscription in.
 */
const EXACT_HOSTS = new Set([
  'smba.trafficmanager.net',
  'smba.infra.gcc.teams.microsoft.com',
  'smba.infra.gov.teams.microsoft.us',
  'smba.infra.dod.teams.microsoft.us',
]);

/** The Bot Framework's own channel hosts (Direct Line, Web Chat and regional variants), public and US Government. */
const HOST_SUFFIXES = ['.botframework.com', '.botframework.azure.us'];

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * True when `value` is an https URL on a Bot Framework host (port 443, no credentials in it); with `allowLoopback`
 * (TEAMS_AUTH=off only) also http(s) on localhost, where the Bot Framework Emulator listens.
 */
export function isAllowedServiceUrl(value: unknown, opts: { allowLoopback: boolean }): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  const host = url.hostname.toLowerCase();
  if (LOOPBACK.has(host)) return opts.allowLoopback && (url.protocol === 'http:' || url.protocol === 'https:');
  if (url.protocol !== 'https:' || (url.port !== '' && url.port !== '443')) return false;
  return EXACT_HOSTS.has(host) || HOST_SUFFIXES.some((suffix) => host.endsWith(suffix));
}
