// Structured logging with pino; tokens, secrets and auth headers are redacted.
import { pino, type Logger } from 'pino';

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
];

// pino's paths have a fixed depth, but secrets also turn up elsewhere: at the top level, or deep in an
// HTTP client's error (its request config keeps the Authorization header). So each written line is
// also scrubbed by key name and by the shape of Slack tokens and bearer credentials.
const SECRET_KEY = /"([^"]*(?:token|secret|password|authorization|cookie|signature)[^"]*)":"(?:[^"\\]|\\.)*"/gi;
const SECRET_VALUE = /\bxox[a-z]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+|\b(Bearer|Basic) +[A-Za-z0-9._~+/=-]+/g;

/** Replaces secret-named JSON string fields and token-shaped values in a serialized log line. */
export function scrubSecrets(line: string): string {
  return line
    .replace(SECRET_KEY, '"$1":"[redacted]"')
    .replace(SECRET_VALUE, (_match, scheme: string | undefined) => (scheme ? `${scheme} [redacted]` : '[redacted]'));
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'assess-bot' }, hooks: { streamWrite: scrubSecrets } },
    destination as never,
  );
}

export type { Logger };
