import { setTimeout as sleep } from 'node:timers/promises';
import * as http from 'node:http';
import { seededRandom, type SimAccount } from '../account';
import { LoopbackServer, readBody } from './http-standin';
import { IamModel } from './iam-model';
import { refuseByRemoverDeny, type IamCaller } from './remover-deny';
import { MUTATING_IAM_ACTIONS, StandinError, type AwsStandinOptions, type CallRecord } from './standin-types';
import { OrganizationModel, type MemberSession, type SimOrganization } from './organization-standin';
import { sendQueryError, sendQueryResult } from './xml';
import { lookupEventsPage } from './cloudtrail-events';
import { serveAccountApi } from './account-regions';
import { Executions } from './executions';
import { describeStacks, listSubscriptionsByTopic, simulatePrincipalPolicy } from './deployment-reads';

/**
 * A local stand-in for IAM (query protocol, XML; the model is iam-model.ts), CloudTrail (JSON 1.1)
 * and the Step Functions task callbacks (JSON 1.0), served over real HTTP so that the real SDK
 * clients, with their real serializers and retry logic, talk to it. Faults (throttling,
 * ConcurrentModification, injected crashes), the remover role's protected-tag Deny and
 * LookupEvents' 2 calls/s per region are applied here, in front of the model.
 */

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** The access key and the service a SigV4 request was signed with. */
function signedWith(request: http.IncomingMessage): { accessKeyId?: string; service?: string } {
  const match = /Credential=([^/]+)\/\d+\/[^/]+\/([^/]+)\//.exec(String(request.headers.authorization ?? ''));
  return match ? { accessKeyId: match[1], service: match[2] } : {};
}

export class AwsStandin extends LoopbackServer {
  readonly calls: CallRecord[] = [];
  /** The executions Step Functions knows: DescribeExecution answers from here. */
  readonly executions = new Executions();
  private readonly model: IamModel;
  private random: () => number;
  private readonly seenMutations = new Set<string>();
  private readonly lookupTimes = new Map<string, number[]>();
  /** Organization mode: the member accounts, each served by its own stand-in behind this one. */
  readonly organization?: OrganizationModel;
  private readonly members = new Map<string, AwsStandin>();

  constructor(
    readonly account: SimAccount,
    readonly options: AwsStandinOptions & { organization?: SimOrganization } = {},
  ) {
    super();
    this.random = seededRandom(options.seed ?? 42);
    this.model = new IamModel(account, options);
    if (options.organization) this.organization = new OrganizationModel(options.organization);
  }

  /** A member account's own stand-in: its IAM, its CloudTrail (with its own rate limit), its calls. */
  member(accountId: string): AwsStandin {
    let member = this.members.get(accountId);
    if (!member) {
      const found = this.organization?.member(accountId);
      if (!found) throw new Error(`No member account ${accountId} in the simulated organization`);
      // The member serves its own account: the same faults and Deny, no organization of its own.
      member = new AwsStandin(found.account, { ...this.options, organization: undefined });
      this.members.set(accountId, member);
    }
    return member;
  }

  callsOf(action: string): CallRecord[] {
    return this.calls.filter((call) => call.action === action);
  }

  /** Successful mutating IAM calls, the ones that changed the account. */
  mutatingCalls(): CallRecord[] {
    return this.calls.filter(
      (call) => call.service === 'iam' && MUTATING_IAM_ACTIONS.has(call.action) && !call.error,
    );
  }

  protected async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (this.options.faults?.latencyMs) await sleep(this.options.faults!.latencyMs);
    const { accessKeyId, service } = signedWith(request);
    const session = this.organization?.session(accessKeyId);
    if (service === 'sts') return this.sts(body, session, response);
    if (service === 'cloudformation' || service === 'sns') return this.deployment(service, body, response);
    // The Account API answers for the signing session's own account (a member role's, or this one).
    if (service === 'account')
      return serveAccountApi(session ? this.member(session.member.accountId) : this, request, body, response);
    if (this.organization) {
      if (service === 'organizations') {
        const target = String(request.headers['x-amz-target'] ?? '');
        try {
          return this.sendJson(
            response,
            200,
            this.organization.organizations(target.split('.').pop()!, JSON.parse(body || '{}'), session),
          );
        } catch (error) {
          const failure =
            error instanceof StandinError ? error : new StandinError('ServiceException', String(error), 500);
          return this.sendJson(response, failure.status, { __type: failure.code, Message: failure.message });
        }
      }
      // A member session reaches its own account's IAM and CloudTrail, as the role it assumed.
      if (session) return this.member(session.member.accountId).serve(request, body, response, session);
    }
    return this.serve(request, body, response);
  }

  /**
   * STS, in the query protocol's XML: GetCallerIdentity (the account of the session that signed,
   * else this stand-in's own), and AssumeRole into a member account of the organization.
   */
  private sts(body: string, session: MemberSession | undefined, response: http.ServerResponse): void {
    const params = Object.fromEntries(new URLSearchParams(body));
    this.calls.push({
      service: 'sts',
      action: params.Action ?? '',
      params: { RoleArn: params.RoleArn ?? '' },
      at: Date.now(),
    });
    try {
      const action = params.Action ?? '';
      let result: unknown;
      if (action === 'GetCallerIdentity') {
        const account = session ? session.member.accountId : this.account.accountId;
        result = {
          UserId: 'AIDASTANDINCALLER0000',
          Account: account,
          Arn: session
            ? `arn:aws:sts::${account}:assumed-role/${session.roleName}/iam-janitor`
            : `arn:aws:iam::${account}:user/operator`,
        };
      } else if (action === 'AssumeRole' && this.organization) {
        result = this.organization.assumeRole(params, session);
      } else if (action === 'AssumeRole') {
        throw new StandinError(
          'AccessDenied',
          `not authorized to perform: sts:AssumeRole on resource: ${params.RoleArn}`,
          403,
        );
      } else {
        throw new StandinError('InvalidAction', `${action} is not served`);
      }
      sendQueryResult(response, STS_NS, action, result);
    } catch (error) {
      const failure =
        error instanceof StandinError ? error : new StandinError('InternalFailure', String(error), 500);
      this.calls[this.calls.length - 1]!.error = failure.code;
      sendQueryError(response, STS_NS, failure);
    }
  }

  /** What `iam-janitor doctor` reads of a deployment: CloudFormation and SNS, answered from the options. */
  private deployment(service: 'cloudformation' | 'sns', body: string, response: http.ServerResponse): void {
    const params = Object.fromEntries(new URLSearchParams(body));
    const read = service === 'cloudformation' ? describeStacks : listSubscriptionsByTopic;
    const answer = read(params, this.options, this.account.accountId);
    this.calls.push({ service, action: params.Action ?? '', params: answer.logged, at: Date.now() });
    if ('failure' in answer) {
      this.calls[this.calls.length - 1]!.error = answer.failure.code;
      return sendQueryError(response, answer.namespace, answer.failure);
    }
    sendQueryResult(response, answer.namespace, params.Action ?? '', answer.result);
  }

  /** One account's services; `session` is the member role a request arrived as, in organization mode. */
  private async serve(
    request: http.IncomingMessage,
    body: string,
    response: http.ServerResponse,
    session?: MemberSession,
  ): Promise<void> {
    const target = String(request.headers['x-amz-target'] ?? '');
    try {
      if (session && target && !target.includes('CloudTrail_20131101'))
        throw new StandinError(
          'AccessDenied',
          `The member role ${session.roleName} may not call ${target}`,
          403,
        );
      if (target.includes('CloudTrail_20131101')) {
        return this.sendJson(
          response,
          200,
          await this.cloudTrail(target.split('.').pop()!, JSON.parse(body || '{}'), request),
        );
      }
      if (target.startsWith('secretsmanager.')) {
        const { SecretId } = JSON.parse(body || '{}') as { SecretId?: string };
        this.calls.push({ service: 'secretsmanager', action: 'GetSecretValue', params: {}, at: Date.now() });
        const secret = SecretId ? this.options.secrets?.[SecretId] : undefined;
        if (secret === undefined)
          throw new StandinError(
            'ResourceNotFoundException',
            "Secrets Manager can't find the specified secret.",
          );
        return this.sendJson(response, 200, {
          ARN: SecretId,
          Name: SecretId,
          SecretString: secret,
          VersionId: 'v1',
        });
      }
      if (target.startsWith('AWSStepFunctions.')) {
        return this.sendJson(
          response,
          200,
          await this.stepFunctions(target.split('.').pop()!, JSON.parse(body || '{}')),
        );
      }
      const params = Object.fromEntries(new URLSearchParams(body));
      // The reader role holds IAM's reads only: any change through it is refused, as its policy would.
      if (session?.roleName.endsWith('-reader') && MUTATING_IAM_ACTIONS.has(params.Action ?? ''))
        throw new StandinError(
          'AccessDenied',
          `User: arn:aws:sts::${this.account.accountId}:assumed-role/${session.roleName} is not authorized to perform: iam:${params.Action}`,
          403,
        );
      const caller = { accessKeyId: signedWith(request).accessKeyId, roleName: session?.roleName };
      sendQueryResult(response, IAM_NS, params.Action!, this.iam(params, caller));
    } catch (error) {
      const failure =
        error instanceof StandinError ? error : new StandinError('ServiceFailure', String(error), 500);
      if (target) {
        const prefix = target.startsWith('AWSStepFunctions')
          ? 'com.amazonaws.states#'
          : 'com.amazonaws.cloudtrail.v20131101#';
        return this.sendJson(response, failure.status, {
          __type: `${prefix}${failure.code}`,
          message: failure.message,
        });
      }
      sendQueryError(response, IAM_NS, failure);
    }
  }

  private sendJson(response: http.ServerResponse, status: number, payload: unknown): void {
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify(payload ?? {}));
  }

  // ---------------------------------------------------------------- IAM

  private iam(params: Record<string, string>, caller: IamCaller = {}): unknown {
    const action = params.Action ?? '';
    const record: CallRecord = { service: 'iam', action, params, at: Date.now() };
    this.calls.push(record);
    try {
      const injected = this.options.beforeIamAction?.(action, params);
      if (injected) throw new StandinError(injected.code, injected.message, injected.status ?? 400);
      if (this.options.faults?.iamThrottleRate && this.random() < this.options.faults.iamThrottleRate) {
        throw new StandinError('Throttling', 'Rate exceeded', 400);
      }
      refuseByRemoverDeny(this.options, this.account, action, params, caller);
      if (MUTATING_IAM_ACTIONS.has(action)) {
        if (this.options.faults?.concurrentModificationOnFirstCall && !this.seenMutations.has(action)) {
          this.seenMutations.add(action);
          throw new StandinError(
            'ConcurrentModification',
            `Concurrent modification of ${action}; try again.`,
            409,
          );
        }
      }
      if (action === 'SimulatePrincipalPolicy') return simulatePrincipalPolicy(params, this.options);
      return this.model.run(action, params);
    } catch (error) {
      if (error instanceof StandinError) record.error = error.code;
      throw error;
    }
  }

  // ---------------------------------------------------------------- CloudTrail

  private async cloudTrail(
    action: string,
    body: Record<string, unknown>,
    request: http.IncomingMessage,
  ): Promise<unknown> {
    const region =
      /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1] ??
      'us-east-1';
    const record: CallRecord = { service: 'cloudtrail', action, params: {}, region, at: Date.now() };
    this.calls.push(record);
    if (action !== 'LookupEvents') throw new StandinError('UnknownOperationException', action);
    // LookupEvents: 2 requests per second per region, per account (per window, on the simulator's pace).
    const windowMs = this.options.lookupWindowMs ?? 1000;
    const times = (this.lookupTimes.get(region) ?? []).filter((time) => time > record.at - windowMs);
    if (times.length >= (this.options.lookupsPerSecond ?? 2)) {
      record.error = 'ThrottlingException';
      this.lookupTimes.set(region, times);
      throw new StandinError('ThrottlingException', 'Rate exceeded', 400);
    }
    times.push(record.at);
    this.lookupTimes.set(region, times);

    const page = lookupEventsPage(this.account, region, body);
    record.params = { Username: page.username };
    return page.answer;
  }

  // ---------------------------------------------------------------- Step Functions StartExecution

  /** What `iam-janitor offboard` calls: recorded, and refused for a name already used, as Step Functions does. */
  private startExecution(body: Record<string, string>): unknown {
    const name = body.name ?? '';
    const arn = `${(body.stateMachineArn ?? '').replace(':stateMachine:', ':execution:')}:${name}`;
    const duplicate = this.calls.some(
      (call) => call.action === 'StartExecution' && call.params.name === name,
    );
    this.calls.push({
      service: 'sfn',
      action: 'StartExecution',
      params: { stateMachineArn: body.stateMachineArn ?? '', name, input: body.input ?? '' },
      at: Date.now(),
    });
    if (duplicate) throw new StandinError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    return { executionArn: arn, startDate: Date.now() / 1000 };
  }

  // ---------------------------------------------------------------- Step Functions callbacks

  private async stepFunctions(action: string, body: Record<string, string>): Promise<unknown> {
    if (action === 'StartExecution') return this.startExecution(body);
    if (action === 'DescribeExecution') return this.executions.describe(body.executionArn ?? '');
    this.calls.push({
      service: 'sfn',
      action,
      params: { taskToken: body.taskToken ? '(token)' : '' },
      at: Date.now(),
    });
    if (action !== 'SendTaskSuccess' && action !== 'SendTaskFailure')
      throw new StandinError('UnknownOperationException', action);
    const failure = await this.options.onTaskCallback?.({
      action,
      taskToken: body.taskToken ?? '',
      output: body.output,
      error: body.error,
      cause: body.cause,
    });
    if (failure) throw new StandinError(failure.code, failure.message, failure.status ?? 400);
    if (!this.options.onTaskCallback)
      throw new StandinError('InvalidToken', 'No execution is waiting for this token');
    return {};
  }
}
