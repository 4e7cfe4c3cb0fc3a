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

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'assess-bot' } }, destination as never);
}

export type { Logger };
