import { verifySlackSignature } from '../../lambdas/slack-interactions/signature';

describe('Slack signature verification', () => {
  // Slack's worked example from "Verifying requests from Slack".
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const timestamp = 1531420618;
  const body =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  const signature = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
  const headers = { timestamp: String(timestamp), signature };

  it("accepts Slack's published example with the clock at its timestamp", () => {
    expect(verifySlackSignature(body, headers, secret, timestamp)).toEqual({ valid: true });
  });

  it.each([
    ['a one-byte change to the body', `${body.slice(0, -1)}d`, headers, timestamp, 'signature mismatch'],
    [
      'a changed signature',
      body,
      { ...headers, signature: signature.replace(/3$/, '4') },
      timestamp,
      'signature mismatch',
    ],
    [
      'a signature of another length',
      body,
      { ...headers, signature: 'v0=abc' },
      timestamp,
      'signature mismatch',
    ],
    ['a timestamp 6 minutes old', body, headers, timestamp + 360, 'timestamp outside the 5-minute window'],
    ['a timestamp 6 minutes ahead', body, headers, timestamp - 360, 'timestamp outside the 5-minute window'],
    [
      'a missing signature header',
      body,
      { timestamp: headers.timestamp },
      timestamp,
      'missing signature headers',
    ],
    ['a missing timestamp header', body, { signature }, timestamp, 'missing signature headers'],
  ])('rejects %s', (_label, rawBody, given, now, reason) => {
    expect(verifySlackSignature(rawBody, given, secret, now)).toEqual({ valid: false, reason });
  });
});
