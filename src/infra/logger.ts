// Structured logging with pino; tokens, secrets, auth headers and the signatures of report links are redacted.
import { pino, type Logger } from 'pino';
import { redactSignedPath } from './report-links.js';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'headers.authorization',
  '*.token',
  '*.botToken',
  '*.accessToken',
  '*.password',
  '*.secret',
  '*.clientSecret',
  'config.SLACK_SIGNING_SECRET',
  'config.SLACK_BOT_TOKEN',
  'config.SLACK_APP_TOKEN',
  'config.SLACK_CLIENT_SECRET',
  'config.SLACK_STATE_SECRET',
  'config.MICROSOFT_APP_PASSWORD',
  'config.ANONYMITY_SECRET',
  'config.ANONYMITY_SECRET_PREVIOUS',
  'config.METRICS_TOKEN',
];

// pino's paths have a fixed depth, but secrets also turn up elsewhere: at the top level, or deep in an
// HTTP client's error (its request config keeps the Authorization header). So each written line is
// also scrubbed by key name and by the shape of Slack tokens and bearer credentials. Every pass below
// runs in time linear in the line: a log line can carry text a caller chose, and logging must not stall.
const SECRET_NAME = /token|secret|password|authorization|cookie|signature/i;
const SECRET_VALUE = /\bxox[a-z]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+|\b(Bearer|Basic) +[A-Za-z0-9._~+/=-]+/g;

/** Index of the quote that closes the JSON string opening at `open`, or -1 when the line ends first. */
function stringEnd(line: string, open: number): number {
  for (let i = open + 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x22 /* " */) return i;
  }
  return -1;
}

/** Replaces the value of every `"<secret-named key>":"…"` pair; one left-to-right pass over the JSON strings. */
function scrubSecretFields(line: string): string {
  let out = '';
  let copied = 0;
  let i = line.indexOf('"');
  while (i !== -1) {
    const end = stringEnd(line, i);
    if (end === -1) break;
    if (line.charCodeAt(end + 1) === 0x3a /* : */ && line.charCodeAt(end + 2) === 0x22 && SECRET_NAME.test(line.slice(i + 1, end))) {
      const valueEnd = stringEnd(line, end + 2);
      if (valueEnd === -1) break;
      out += `${line.slice(copied, end + 3)}[redacted]`;
      copied = valueEnd;
      i = line.indexOf('"', valueEnd + 1);
      continue;
    }
    i = line.indexOf('"', end + 1);
  }
  return copied === 0 ? line : out + line.slice(copied);
}

/** Replaces secret-named JSON string fields, token-shaped values and report-link signatures in a serialized log line. */
export function scrubSecrets(line: string): string {
  return redactSignedPath(scrubSecretFields(line)).replace(SECRET_VALUE, (_match, scheme: string | undefined) =>
    scheme ? `${scheme} [redacted]` : '[redacted]',
  );
}

interface LoggedRequest {
  method?: string;
  url?: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** fastify's request log line, with the signature of a report link cut out of the URL. */
function requestSerializer(req: LoggedRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactSignedPath(req.url) : req.url,
    hostname: req.hostname,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { app: 'assess-bot' },
      serializers: { req: requestSerializer },
      hooks: { streamWrite: scrubSecrets },
    },
    destination as never,
  );
}

export type { Logger };
