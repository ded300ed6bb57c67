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
  /** Every candidate found: the cases started this run and the backlog. */
  readonly candidateCount: number;
  /** Candidates not opened this run (batch size maxCasesPerRun, or halted): the next sweeps take them. */
  readonly backlog: number;
  /** Stale credentials of active users found this run, opened or waiting. */
  readonly staleCredentials: number;
  /** Who acknowledged the fraction guard for this run, when it would have halted. */
  readonly acknowledgedBy?: string;
  /** Credential report rows that could not be read (at most 20 named): those users were not judged. */
  readonly skippedReportRows: { line: number; userName?: string; reason: string }[];
}

export const handler = taskHandler(
  eventSchema,
  ({ sweepId }) => ({ sweepId }),
  async ({ sweepId, startedAt }, log): Promise<SweepOutput> => {
    const config = janitorConfig();
    const now = new Date(startedAt);
    const store = caseStore();
    const [openCases, acknowledgement] = await Promise.all([store.openCases(), store.guardAcknowledgement()]);
    const result = await runInventory({
      iam: iamClient(),
      policy: config,
      now,
      openCaseUserNames: new Set(openCases.map((openCase) => openCase.userName)),
      acknowledgement,
      warn: (message, details) => log.warn(message, details),
    });
    // Used up before any case starts: a failure later in this sweep never lets another one through.
    if (result.acknowledged) {
      await store.consumeAcknowledgement(result.acknowledged);
      log.warn('fraction guard acknowledged for this run', { ...result.acknowledged });
    }
    const found = [...result.candidates, ...result.backlog];
    const staleCredentials = found.filter((candidate) => candidate.kind === 'credential').length;

    const verdictCounts: Partial<Record<Verdict, number>> = {};
    for (const user of result.users) verdictCounts[user.verdict] = (verdictCounts[user.verdict] ?? 0) + 1;
    metrics.addMetric(MetricName.UsersScanned, MetricUnit.Count, result.usersScanned);
    metrics.addMetric(MetricName.Candidates, MetricUnit.Count, found.length);
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
      candidateCount: found.length,
      backlog: result.halted ? found.length : result.backlog.length,
      staleCredentials,
      ...(result.acknowledged ? { acknowledgedBy: result.acknowledged.acknowledgedBy } : {}),
      skippedReportRows: result.skippedRows.slice(0, 20),
    };
    await store.recordSweep({
      sweepId,
      finishedAt: now.toISOString(),
      usersScanned: result.usersScanned,
      casesStarted: result.halted ? 0 : result.candidates.length,
      backlog: output.backlog,
      staleCredentials,
      halted: result.halted,
      ...(result.haltReason ? { haltReason: result.haltReason } : {}),
      candidateCount: found.length,
    });
    if (result.halted) {
      log.error('blast-radius guard halted the sweep', {
        haltReason: result.haltReason,
        candidates: found.map((candidate) => candidate.subjectId),
      });
      return {
        ...output,
        candidates: [],
        haltReason: result.haltReason,
        candidatesPreview: found.slice(0, 20).map((candidate) => candidate.userName),
      };
    }
    log.info('inventory complete', {
      usersScanned: result.usersScanned,
      verdictCounts,
      casesStarted: result.candidates.length,
      backlog: result.backlog.length,
    });
    return { ...output, candidates: result.candidates };
  },
);
