import type { ClickOverrides } from './slack-click';
import type { Simulation } from './engine';
import type { SlackPost } from './standins/slack-standin';

/**
 * The case each ephemeral reply answered: Slack's ephemeral names a channel and a person, never
 * the message clicked, so the simulation notes which click it came from, to report every refused
 * click with its case.
 */
const answered = new WeakMap<SlackPost, string>();

/** sim.click, noting the case of every ephemeral reply the click got (to its clicker). */
export async function clickCase(
  sim: Simulation,
  caseId: string,
  decision: string,
  userId: string,
  overrides: ClickOverrides = {},
): Promise<void> {
  const before = sim.slack.posts.length;
  await sim.click(caseId, decision, userId, overrides);
  for (const post of sim.slack.posts.slice(before))
    if (post.method === 'chat.postEphemeral' && post.user === userId && !answered.has(post))
      answered.set(post, caseId);
}

/** The case whose click an ephemeral reply answered, when a scenario's click sent it. */
export const caseAnswered = (post: SlackPost): string | undefined => answered.get(post);
