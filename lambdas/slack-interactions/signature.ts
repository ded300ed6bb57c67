import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's tolerance for a request's age; older or future-dated requests are treated as replays. */
export const MAX_SKEW_SECONDS = 5 * 60;

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

/**
 * Verifies a Slack request: HMAC-SHA256 over `v0:<timestamp>:<raw body>` with the signing secret,
 * compared in constant time, with the timestamp within 5 minutes of now.
 */
export function verifySlackSignature(
  rawBody: string,
  headers: { timestamp?: string; signature?: string },
  signingSecret: string,
  nowSeconds: number,
): SignatureCheck {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { valid: false, reason: 'missing signature headers' };
  if (!/^\d+$/.test(timestamp)) return { valid: false, reason: 'malformed timestamp' };
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_SKEW_SECONDS)
    return { valid: false, reason: 'timestamp outside the 5-minute window' };
  const expected = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
  const given = Buffer.from(signature, 'utf8');
  const wanted = Buffer.from(expected, 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return { valid: false, reason: 'signature mismatch' };
  return { valid: true };
}

/** Signs a body the way Slack does; the simulator and tests send real signed requests with it. */
export function signSlackRequest(
  rawBody: string,
  signingSecret: string,
  timestamp: number,
): { timestamp: string; signature: string } {
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
  return { timestamp: String(timestamp), signature };
}
