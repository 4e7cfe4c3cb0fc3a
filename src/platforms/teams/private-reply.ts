// A command's answer meant for the person asking alone (a named round's report link). Every reply in a Teams channel is
// seen by the whole channel, so it goes to the person's 1:1 chat and the channel only hears that it was sent.
import type { TurnContext } from 'botbuilder';
import type { Actor } from '../../core/services/context.js';
import { t } from '../../core/i18n.js';
import type { Round } from '../../core/model.js';
import type { TeamsConnector } from './connector.js';
import type { TeamsMessenger } from './messenger.js';

export async function replyPrivately(
  deps: { connector: TeamsConnector; messenger: Pick<TeamsMessenger, 'toPerson'> },
  turn: { context: TurnContext; actor: Actor },
  round: Round,
  text: string,
): Promise<void> {
  const sent = await deps.messenger.toPerson(round, turn.actor.id, { type: 'message', text, textFormat: 'markdown' }).catch(() => false);
  await deps.connector.reply(turn.context, t(round.locale, sent ? 'teams.sentPrivately' : 'teams.notSentPrivately'));
}
