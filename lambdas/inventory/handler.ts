import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { caseStore, iamClient } from '../commons/clients';
import type { Candidate, Verdict } from '../commons/contracts';
import { janitorConfig } from '../commons/env';
import { taskHandler } from '../commons/handler';
import { metrics, MetricName } from '../commons/observability';
import { runInventory } from './inventory';

const eventSchema = z.object({
  sweepId: z.string().min(1),
  startedAt: z.string().min(1),
});

/** What the sweep carries on: candidate references and counts, never the report. */
export interface SweepOutput {
  readonly sweepId: string;
  readonly runDate: string;
  readonly usersScanned: number;
  readonly verdictCounts: Partial<Record<Verdict, number>>;
  readonly candidates: Candidate[];
  readonly rootWarnings: string[];
  readonly halted: boolean;
  readonly haltReason?: string;
  /** When halted, a few names to start the investigation with; the full list is in the logs. */
  readonly candidatesPreview?: string[];
  readonly candidateCount: number;
  /** Credential report rows that could not be read (at most 20 named): those users were not judged. */
  readonly skippedReportRows: { line: number; userName?: string; reason: string }[];
}

export const handler = taskHandler(
  eventSchema,
  ({ sweepId }) => ({ sweepId }),
  async ({ sweepId, startedAt }, log): Promise<SweepOutput> => {
    const config = janitorConfig();
    const now = new Date(startedAt);
    const openCases = await caseStore().openCases();
    const result = await runInventory({
      iam: iamClient(),
      policy: config,
      now,
      openCaseUserNames: new Set(openCases.map((openCase) => openCase.userName)),
      warn: (message, details) => log.warn(message, details),
    });

    const verdictCounts: Partial<Record<Verdict, number>> = {};
    for (const user of result.users) verdictCounts[user.verdict] = (verdictCounts[user.verdict] ?? 0) + 1;
    metrics.addMetric(MetricName.UsersScanned, MetricUnit.Count, result.usersScanned);
    metrics.addMetric(MetricName.Candidates, MetricUnit.Count, result.candidates.length);
    metrics.addMetric(MetricName.RootWarnings, MetricUnit.Count, result.rootWarnings.length);
    metrics.addMetric(MetricName.GuardHalts, MetricUnit.Count, result.halted ? 1 : 0);
    metrics.publishStoredMetrics();
    for (const warning of result.rootWarnings) log.warn('root account warning', { warning });

    const output = {
      sweepId,
      runDate: now.toISOString().slice(0, 10),
      usersScanned: result.usersScanned,
      verdictCounts,
      rootWarnings: result.rootWarnings,
      halted: result.halted,
      candidateCount: result.candidates.length,
      skippedReportRows: result.skippedRows.slice(0, 20),
    };
    if (result.halted) {
      log.error('blast-radius guard halted the sweep', {
        haltReason: result.haltReason,
        candidates: result.candidates.map((candidate) => candidate.userName),
      });
      return {
        ...output,
        candidates: [],
        haltReason: result.haltReason,
        candidatesPreview: result.candidates.slice(0, 20).map((candidate) => candidate.userName),
      };
    }
    log.info('inventory complete', { usersScanned: result.usersScanned, verdictCounts });
    return { ...output, candidates: result.candidates };
  },
);
