import type { CaseRecord } from '../../lambdas/commons/case/record';
import type { Decision } from '../../lambdas/commons/contracts/decision';
import type { Simulation } from './engine';
import type { ClickOverrides } from './slack-click';

/** One click the scenario made, and what Slack showed its clicker only in answer (a refusal). */
export interface ClickTrace {
  readonly caseId: string;
  readonly userName: string;
  readonly userId: string;
  readonly decision: string;
  /** The ts of each ephemeral reply posted while the click was handled. */
  readonly replies: string[];
}

/**
 * Clicks as the scenario says, each remembered with Slack's answers to its clicker: an ephemeral
 * reply names no case, so the trace is how a refused click is reported with the case it was on.
 * Cases run one after another in a scenario, so every reply posted during a click is that click's.
 */
export function clickTracer(sim: Simulation) {
  const traces: ClickTrace[] = [];
  return {
    traces,
    async click(
      caseId: string,
      userName: string,
      decision: Decision | string,
      userId: string,
      overrides: ClickOverrides = {},
    ): Promise<void> {
      const before = sim.slack.posts.length;
      await sim.click(caseId, decision, userId, overrides);
      const replies = sim.slack.posts
        .slice(before)
        .filter((post) => post.method === 'chat.postEphemeral' && post.user === userId)
        .map((post) => post.ts);
      traces.push({ caseId, userName, userId, decision, replies });
    },
  };
}

/** A case's user as the timeline names it: with its account in organization mode. */
export function caseUserName(record: Pick<CaseRecord, 'userName' | 'candidate'>): string {
  return record.candidate.accountId ? `${record.candidate.accountId}/${record.userName}` : record.userName;
}

export type ClickTracer = ReturnType<typeof clickTracer>;
