import type { BuildOptions } from 'esbuild';
import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { handlerEntry, type LambdaName, type OrganizationLambdaName } from './lambdas';

/** The functions a deployment has: every one in organization mode, all but the organization's otherwise. */
export type JanitorFunctions = Record<Exclude<LambdaName, OrganizationLambdaName>, JanitorFunction> &
  Partial<Record<OrganizationLambdaName, JanitorFunction>>;

/**
 * How every handler is bundled, here and in the benchmark:
 * - the AWS SDK v3 clients are bundled, at the versions our lockfile pins, rather than taken from
 *   the Lambda runtime (CDK's default for Node.js 18 and later): the SDK the tests run against is
 *   the SDK that is deployed, and a bundle requires faster than the runtime's separate packages;
 * - a package's ES module build is preferred to its CommonJS one (`module` before `main`): esbuild
 *   then keeps only the commands a function sends, where the CommonJS build of a client carries all
 *   of them (IAM's 170-odd, with their schemas), built at every cold start;
 * - `zod` points at a shim that lets esbuild tree-shake it (see lambdas/commons/runtime/zod-bundle-shim.ts);
 * - `form-data` points at Node's own FormData, which axios takes alike, so that mime-db stays out
 *   (see lambdas/commons/runtime/form-data-bundle-shim.ts).
 */
export const BUNDLE = {
  external: [] as string[],
  mainFields: ['module', 'main'],
  alias: {
    zod: path.join(__dirname, '..', '..', 'lambdas', 'commons', 'runtime', 'zod-bundle-shim.ts'),
    'form-data': path.join(
      __dirname,
      '..',
      '..',
      'lambdas',
      'commons',
      'runtime',
      'form-data-bundle-shim.ts',
    ),
  },
} as const;

/**
 * esbuild's options for one handler, as the stack's bundling builds it (minified, Node 22, CommonJS,
 * BUNDLE's externals, main fields and alias): the benchmark and the tests that bundle use exactly these.
 */
export function esbuildOptions(entry: string, outfile: string): BuildOptions & { metafile: true } {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: [...BUNDLE.external],
    mainFields: [...BUNDLE.mainFields],
    alias: { ...BUNDLE.alias },
    metafile: true,
    logLevel: 'silent',
  };
}

export interface JanitorFunctionProps {
  /** Which handler under `lambdas/` to bundle. */
  readonly lambdaName: LambdaName;
  readonly description: string;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** Merged over the defaults, never replacing them. */
  readonly environment?: Record<string, string>;
  /** @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** @default logs.RetentionDays.ONE_YEAR, long enough to audit a year of decisions */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Every iam-janitor Lambda is built here, so that runtime, architecture, logging and bundling are
 * decided once: the newest Node.js runtime (24), arm64, JSON logs into a log group with retention, and
 * esbuild run locally (never a Docker fallback, which cannot work without a Docker engine).
 */
export class JanitorFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: JanitorFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    super(scope, id, {
      entry: handlerEntry(props.lambdaName),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      timeout: props.timeout ?? Duration.seconds(30),
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'iam-janitor',
        POWERTOOLS_METRICS_NAMESPACE: 'IamJanitor',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // The partition the stack is deployed in (aws, aws-cn, aws-us-gov): the member roles' ARNs
        // are built with it. Lambda sets no such variable itself.
        JANITOR_PARTITION: Stack.of(scope).partition,
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        // esbuild's per-asset lines add nothing to a synth or a test report; warnings still show.
        logLevel: nodejs.LogLevel.WARNING,
        minify: true,
        sourceMap: true,
        target: 'node22',
        format: nodejs.OutputFormat.CJS,
        externalModules: [...BUNDLE.external],
        mainFields: [...BUNDLE.mainFields],
        esbuildArgs: Object.fromEntries(
          Object.entries(BUNDLE.alias).map(([name, target]) => [`--alias:${name}`, target]),
        ),
      },
    });
  }
}
