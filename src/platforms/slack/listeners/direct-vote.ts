// The vote click without Bolt's middleware. A vote is the request Slack sends most, and Bolt's pipeline (authorize,
// context, the middleware chain and listener matching) cost it more CPU than the vote itself. The receiver has
// verified the signature and parsed the body; this route acks at once, authorizes the workspace as Bolt would (the same
// authorize function), notes the workspace as active (as the Bolt middleware does) and calls the same handleVote, which
// decodes the click and goes through core/interactions. Any other request, and a vote Bolt should judge (one whose
// workspace cannot be read or authorized), goes to Bolt as before.
import type { Authorize, AuthorizeSourceData } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import type { DirectRoute } from '../fastify-receiver.js';
import { VOTE_ACTION_PREFIX } from '../render/factor-card.js';
import { handleVote } from './actions.js';
import { workspaceActive } from './events.js';

type Json = Record<string, unknown>;

const idOf = (x: unknown): string | undefined => {
  const id = typeof x === 'object' && x !== null ? (x as Json).id : undefined;
  return typeof id === 'string' ? id : undefined;
};

/** The action id of the click Bolt would dispatch on (the first action), if the body is a block_actions click. */
function firstActionId(body: Json): string | undefined {
  if (body.type !== 'block_actions' || !Array.isArray(body.actions)) return undefined;
  const first: unknown = body.actions[0];
  const id = typeof first === 'object' && first !== null ? (first as Json).action_id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** What Bolt hands authorize for a block_actions click (App.js buildSource); undefined when the body lacks it. */
export function actionSource(body: Json): AuthorizeSourceData<boolean> | undefined {
  const user = body.user;
  const userId = idOf(user);
  if (userId === undefined) return undefined;
  const team = typeof body.team === 'object' && body.team !== null ? (body.team as Json) : undefined;
  const userTeam = (user as Json).team_id;
  const teamId = team ? idOf(team) : typeof userTeam === 'string' ? userTeam : undefined;
  const teamEnterprise = team?.enterprise_id;
  const enterpriseId = idOf(body.enterprise) ?? (typeof teamEnterprise === 'string' ? teamEnterprise : undefined);
  return {
    userId,
    isEnterpriseInstall: body.is_enterprise_install === true,
    teamId,
    enterpriseId,
    conversationId: idOf(body.channel),
  };
}

/** The route for vote clicks, with the adapter's own authorize (single-workspace token, or the stored installation). */
export function directVoteRoute(s: SlackContext, authorize: Authorize<boolean>): DirectRoute {
  return (body) => {
    if (!firstActionId(body)?.startsWith(VOTE_ACTION_PREFIX)) return null;
    return async ({ retryNum }) => {
      const source = actionSource(body);
      if (!source) return false;
      let botToken: string | undefined;
      let auth: Awaited<ReturnType<Authorize<boolean>>>;
      try {
        auth = await authorize(source, body as never);
        botToken = auth.botToken;
      } catch {
        // Bolt logs the refusal and tells the error handler; it authorizes again, as it would have.
        return false;
      }
      workspaceActive(s, {
        isEnterpriseInstall: source.isEnterpriseInstall,
        teamId: auth.teamId ?? source.teamId,
        enterpriseId: auth.enterpriseId ?? source.enterpriseId,
        retryNum,
      });
      await handleVote(s, { body, botToken, retryNum });
      return true;
    };
  };
}
