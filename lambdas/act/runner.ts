import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetUserCommand,
  ListMFADeviceTagsCommand,
  paginateListVirtualMFADevices,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { MFA_OWNER_TAG_KEY, tagValue } from '../commons/iam/tags';
import { errorName, isNoSuchEntity } from '../commons/runtime/errors';
import { allItems } from '../commons/runtime/pagination';
import { tagsOf, type Snapshot } from '../commons/iam/snapshot';
import { markVirtualMfaDescription, type RemovalStep } from './steps';

export interface RunStepsOptions {
  /** Attempts per step on ConcurrentModification; throttling is retried by the client itself. @default 6 */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly onStep?: (step: RemovalStep, result: 'done' | 'already done') => void;
  /** Runs right before every step IAM cannot guard; it throws to stop the run. */
  readonly beforeUnguardedStep?: (step: RemovalStep) => Promise<void>;
}

/** Runs steps in order. NoSuchEntity means another run already did it; ConcurrentModification is retried. */
export async function runSteps(
  iam: IAMClient,
  steps: RemovalStep[],
  options: RunStepsOptions = {},
): Promise<string[]> {
  const done: string[] = [];
  const attempts = options.attempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? Number(process.env.IAM_JANITOR_RETRY_BASE_MS ?? 250);
  for (const step of steps) {
    if (step.unguardedByIam) await options.beforeUnguardedStep?.(step);
    for (let attempt = 1; ; attempt++) {
      try {
        await step.run(iam);
        options.onStep?.(step, 'done');
        done.push(step.description);
        break;
      } catch (error) {
        if (isNoSuchEntity(error)) {
          options.onStep?.(step, 'already done');
          done.push(step.description);
          break;
        }
        // Throttling is the client's to retry (PatientRetryStrategy); retried here too, it would be
        // retried attempts × 10 times.
        const retryable = /ConcurrentModification/.test(errorName(error));
        if (!retryable || attempt >= attempts) throw error;
        await sleep(Math.random() * baseDelayMs * 2 ** attempt);
      }
    }
  }
  return done;
}

/** The user is gone, and no virtual MFA device of theirs is left unassigned. */
export async function verifyDeleted(
  iam: IAMClient,
  plan: Snapshot,
  leftoverVirtualMfa: readonly string[] = [],
): Promise<void> {
  try {
    await iam.send(new GetUserCommand({ UserName: plan.userName }));
    throw new Error(`${plan.userName} still exists after DeleteUser`);
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error;
  }
  const virtualSerials = new Set([
    ...plan.mfaDevices.filter((device) => device.virtual).map((device) => device.serialNumber),
    ...leftoverVirtualMfa,
  ]);
  if (virtualSerials.size === 0) return;
  const orphans = (await unassignedVirtualMfa(iam)).filter((serial) => virtualSerials.has(serial));
  if (orphans.length > 0)
    throw new Error(`Virtual MFA devices of ${plan.userName} were left behind: ${orphans.join(', ')}`);
}

async function unassignedVirtualMfa(iam: IAMClient): Promise<string[]> {
  const devices = await allItems(
    paginateListVirtualMFADevices({ client: iam }, { AssignmentStatus: 'Unassigned' }),
    (page) => page.VirtualMFADevices,
  );
  return devices.map((device) => device.SerialNumber!);
}

/**
 * The virtual MFA devices an interrupted run of this same user (same user id) deactivated but did
 * not delete. Only a device that is unassigned now, that IAM names as this user's (the run tagged it
 * with the user id before deactivating it) and whose tag the case record says that run wrote is
 * one: a device assigned to anyone since is theirs, an unassigned one without the tag may be a
 * namesake created for someone else, and the tag alone proves nothing (whoever may tag the device
 * can write it). A device the record does not name is left where it is.
 */
export async function leftoverVirtualMfa(
  iam: IAMClient,
  plan: Snapshot,
  earlier: Snapshot | undefined,
  recordedSteps: readonly string[] = [],
): Promise<string[]> {
  if (!earlier || earlier.userId !== plan.userId) return [];
  const current = new Set(plan.mfaDevices.map((device) => device.serialNumber));
  const recorded = new Set(recordedSteps);
  const candidates = earlier.mfaDevices
    .filter((device) => device.virtual && !current.has(device.serialNumber))
    .map((device) => device.serialNumber)
    .filter((serial) => recorded.has(markVirtualMfaDescription(serial, plan.userId)));
  if (candidates.length === 0) return [];
  const unassigned = new Set(await unassignedVirtualMfa(iam));
  const ours: string[] = [];
  for (const serial of candidates.filter((candidate) => unassigned.has(candidate))) {
    const { Tags } = await iam.send(new ListMFADeviceTagsCommand({ SerialNumber: serial }));
    if (tagValue(tagsOf(Tags), MFA_OWNER_TAG_KEY) === plan.userId) ours.push(serial);
  }
  return ours;
}
