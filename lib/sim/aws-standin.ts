import * as http from 'node:http';
import { findUser, stableId, type SimAccount } from './account';
import { LoopbackServer, readBody } from './http-standin';
import { DENIED_ON_PROTECTED, IamModel } from './iam-model';
import { MUTATING_IAM_ACTIONS, StandinError, type AwsStandinOptions, type CallRecord } from './standin-types';
import { escapeXml, requestId, toXml } from './xml';

export * from './standin-types';
export { dependentItems } from './iam-model';

/**
 * A local stand-in for IAM (query protocol, XML; the model is iam-model.ts), CloudTrail (JSON 1.1)
 * and the Step Functions task callbacks (JSON 1.0), served over real HTTP so that the real SDK
 * clients, with their real serializers and retry logic, talk to it. Faults (throttling,
 * ConcurrentModification, injected crashes), the remover role's protected-tag Deny and
 * LookupEvents' 2 calls/s per region are applied here, in front of the model.
 */

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

export class AwsStandin extends LoopbackServer {
  readonly calls: CallRecord[] = [];
  private readonly model: IamModel;
  private random: () => number;
  private readonly seenMutations = new Set<string>();
  private readonly lookupTimes = new Map<string, number[]>();

  constructor(
    readonly account: SimAccount,
    readonly options: AwsStandinOptions = {},
  ) {
    super();
    this.random = seededRandom(options.seed ?? 42);
    this.model = new IamModel(account, options);
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
    if (this.options.faults?.latencyMs)
      await new Promise((resolve) => setTimeout(resolve, this.options.faults!.latencyMs));
    const target = String(request.headers['x-amz-target'] ?? '');
    try {
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
      const result = this.iam(params);
      const action = params.Action!;
      const inner = result === undefined ? '' : `<${action}Result>${toXml(result)}</${action}Result>`;
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<${action}Response xmlns="${IAM_NS}">${inner}<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`,
      );
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
      response.writeHead(failure.status, { 'content-type': 'text/xml' });
      response.end(
        `<ErrorResponse xmlns="${IAM_NS}"><Error><Type>Sender</Type><Code>${failure.code}</Code><Message>${escapeXml(failure.message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
      );
    }
  }

  private sendJson(response: http.ServerResponse, status: number, payload: unknown): void {
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify(payload ?? {}));
  }

  // ---------------------------------------------------------------- IAM

  private iam(params: Record<string, string>): unknown {
    const action = params.Action ?? '';
    const record: CallRecord = { service: 'iam', action, params, at: Date.now() };
    this.calls.push(record);
    try {
      const injected = this.options.beforeIamAction?.(action, params);
      if (injected) throw new StandinError(injected.code, injected.message, injected.status ?? 400);
      if (this.options.faults?.iamThrottleRate && this.random() < this.options.faults.iamThrottleRate) {
        throw new StandinError('Throttling', 'Rate exceeded', 400);
      }
      if (MUTATING_IAM_ACTIONS.has(action)) {
        if (this.options.faults?.concurrentModificationOnFirstCall && !this.seenMutations.has(action)) {
          this.seenMutations.add(action);
          throw new StandinError(
            'ConcurrentModification',
            `Concurrent modification of ${action}; try again.`,
            409,
          );
        }
        const tag = this.options.denyMutationsOnTag;
        const target = params.UserName ? findUser(this.account, params.UserName) : undefined;
        if (tag && target && DENIED_ON_PROTECTED.has(action) && tag in target.tags) {
          throw new StandinError(
            'AccessDenied',
            `User is not authorized to perform iam:${action}: explicit deny on tag ${tag}`,
            403,
          );
        }
      }
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
    // LookupEvents: 2 requests per second per region, per account.
    const times = (this.lookupTimes.get(region) ?? []).filter((time) => time > record.at - 1000);
    if (times.length >= (this.options.lookupsPerSecond ?? 2)) {
      record.error = 'ThrottlingException';
      this.lookupTimes.set(region, times);
      throw new StandinError('ThrottlingException', 'Rate exceeded', 400);
    }
    times.push(record.at);
    this.lookupTimes.set(region, times);

    const attributes =
      (body.LookupAttributes as { AttributeKey: string; AttributeValue: string }[] | undefined) ?? [];
    const username = attributes.find((attribute) => attribute.AttributeKey === 'Username')?.AttributeValue;
    record.params = { Username: username ?? '' };
    const start = typeof body.StartTime === 'number' ? body.StartTime * 1000 : 0;
    const end = typeof body.EndTime === 'number' ? body.EndTime * 1000 : Number.MAX_SAFE_INTEGER;
    const events = this.account.cloudTrail
      .filter((event) => event.region === region && (!username || event.username === username))
      .filter((event) => event.eventTime.getTime() >= start && event.eventTime.getTime() <= end)
      .sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime());
    const offset = Number(body.NextToken ?? 0);
    const size = Math.min(Number(body.MaxResults ?? 50), 50);
    const page = events.slice(offset, offset + size);
    return {
      Events: page.map((event, index) => ({
        EventId: stableId(
          '',
          `${event.username}/${event.eventTime.toISOString()}/${index}`,
          32,
        ).toLowerCase(),
        EventName: event.eventName,
        EventSource: event.eventSource,
        EventTime: event.eventTime.getTime() / 1000,
        Username: event.username,
        AccessKeyId: event.accessKeyId,
        ReadOnly: String(/^(Get|List|Describe|Lookup)/.test(event.eventName)),
        CloudTrailEvent: JSON.stringify({
          eventTime: event.eventTime.toISOString(),
          eventName: event.eventName,
          eventSource: event.eventSource,
          awsRegion: region,
          sourceIPAddress: event.sourceIPAddress ?? '198.51.100.7',
          userAgent: event.userAgent ?? 'aws-cli/2.15.0',
          userIdentity: { type: 'IAMUser', userName: event.username },
          ...(event.responseElements ? { responseElements: event.responseElements } : {}),
          ...(event.errorMessage ? { errorMessage: event.errorMessage } : {}),
        }),
      })),
      ...(offset + size < events.length ? { NextToken: String(offset + size) } : {}),
    };
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

/** mulberry32: a small seeded generator, so injected faults repeat from run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
