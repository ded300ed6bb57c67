import '../lib/sim/promise-with-resolvers';

process.env.POWERTOOLS_DEV ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_REGION ??= 'us-east-1';
// Never the caller's credentials, and never an endpoint from the environment: with configured
// endpoints ignored, a test that did not point its client at a stand-in explicitly would reach AWS,
// and now fails instead (tests point clients with test/helpers/standin.ts or the Simulation).
process.env.AWS_ACCESS_KEY_ID = 'AKIATESTSETUP0000000';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;
process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.IAM_JANITOR_RETRY_BASE_MS ??= '5';
// OpenTicket's waits for Jira's search index, scaled down: the stand-in's lag is counted in searches.
process.env.JIRA_INDEX_WAIT_MS ??= '5';
