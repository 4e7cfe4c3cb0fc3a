// The playground's simulated timeline as stored records, and what a privacy request or a purge does to it.
import { z } from 'zod';
import type { Store } from '../../core/ports.js';
import type { PersonalDataSource } from '../../core/personal-data.js';
import { redactNames } from '../../core/privacy.js';

export const PLAYGROUND_MESSAGES = 'playground-messages';

/** One entry of the simulated timeline; cards are rendered per viewer when the page asks, so tallies are always live. */
export const PlaygroundMessageSchema = z.object({
  id: z.string(),
  at: z.number(),
  /** 'channel', or a person id for a direct message / something only they see. */
  audience: z.string(),
  ephemeral: z.boolean().default(false),
  type: z.enum(['factor-card', 'digest', 'reminder', 'welcome', 'text', 'start-form', 'follow-up']),
  roundId: z.string().optional(),
  factorId: z.string().optional(),
  factorIds: z.array(z.string()).optional(),
  digestKind: z.enum(['final', 'weekly', 'status']).optional(),
  text: z.string().optional(),
  from: z.string().optional(),
  /** A button under a text that sends a command as the viewer (`close confirm`). */
  confirm: z.object({ label: z.string().max(200), command: z.string().max(200) }).optional(),
  /** A digest as it was when it was sent (digests show the data of their date, not today's). */
  view: z.unknown().optional(),
});
export type PlaygroundMessage = z.infer<typeof PlaygroundMessageSchema>;

/** Every string inside a kept view, redacted. */
function redactView(value: unknown, redact: (s: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactView(v, redact));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactView(v, redact)]));
  return value;
}

/**
 * Messages addressed to a person go with them; texts that mention them elsewhere (an error naming the coordinator,
 * a command reply with an id) are redacted; a purged round's messages go with the round.
 */
export function playgroundPrivacySource(store: Pick<Store, 'listRecords' | 'putRecord' | 'deleteRecord'>): PersonalDataSource {
  const all = async (): Promise<[string, PlaygroundMessage][]> =>
    Object.entries(await store.listRecords(PLAYGROUND_MESSAGES)).flatMap(([key, value]) => {
      const parsed = PlaygroundMessageSchema.safeParse(value);
      return parsed.success ? [[key, parsed.data] as [string, PlaygroundMessage]] : [];
    });
  return {
    name: PLAYGROUND_MESSAGES,
    async exportPerson(req) {
      return (await all()).filter(([, m]) => m.audience === req.userId || m.from === req.userId).map(([id, value]) => ({ collection: PLAYGROUND_MESSAGES, id, value }));
    },
    async erasePerson(req) {
      let changed = 0;
      for (const [key, m] of await all()) {
        if (m.audience === req.userId || m.from === req.userId) {
          await store.deleteRecord(PLAYGROUND_MESSAGES, key);
          changed += 1;
        } else if (m.text || m.view !== undefined) {
          const redact = (s: string) => redactNames(req.aliases.reduce((acc, alias) => acc.split(alias).join('–'), s), req.names, '–');
          const text = m.text === undefined ? undefined : redact(m.text);
          // A kept digest names people too (who has not voted yet): redacted inside its JSON, strings only.
          const view = m.view === undefined ? undefined : redactView(m.view, redact);
          if (text !== m.text || JSON.stringify(view) !== JSON.stringify(m.view)) {
            await store.putRecord(PLAYGROUND_MESSAGES, key, { ...m, ...(text === undefined ? {} : { text }), ...(view === undefined ? {} : { view }) });
            changed += 1;
          }
        }
      }
      return changed;
    },
    async purgeRound(_tenant, roundId) {
      let removed = 0;
      for (const [key, m] of await all()) {
        // Replies can carry the round in a link or an export too.
        if (m.roundId !== roundId && !(m.text ?? '').includes(roundId)) continue;
        await store.deleteRecord(PLAYGROUND_MESSAGES, key);
        removed += 1;
      }
      return removed;
    },
  };
}
