/** The case table's stores, one per container, on the table named by CASE_TABLE_NAME. */
import { requireEnv } from '../config/env';
import { documentClient } from '../runtime/clients';
import { once } from '../runtime/per-container';
import { CaseStore } from './case-store';
import { CaseHistory } from './history';
import { QuarantineStore } from './quarantine-store';
import { ReplayStore } from './replay-store';
import { SweepStore } from './sweep-store';

/** The case table named by CASE_TABLE_NAME, on the shared document client, as each store reads it. */
export const tableStore = <T>(Store: new (db: ReturnType<typeof documentClient>, table: string) => T) =>
  once(() => new Store(documentClient(), requireEnv('CASE_TABLE_NAME')));
/** Its cases' lives. */
export const caseStore = /* @__PURE__ */ tableStore(CaseStore);
/** What the sweeps keep. */
export const sweepStore = /* @__PURE__ */ tableStore(SweepStore);
/** A Delete's quarantine. */
export const quarantineStore = /* @__PURE__ */ tableStore(QuarantineStore);
/** The Slack requests already taken, for the replay check. */
export const replayStore = /* @__PURE__ */ tableStore(ReplayStore);
/** The cases as the weekly summary reads them. */
export const caseHistory = /* @__PURE__ */ tableStore(CaseHistory);
