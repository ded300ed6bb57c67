import { SLACK_USER_ID } from '../config/schema';

/**
 * Splits text into what a reader sees as characters: an emoji with modifiers is one. Made on the
 * first text too long to keep, not when the module loads: building it loads ICU's break rules, about
 * 9 ms of every cold start of every function that imports this file, most of which never clip.
 */
let graphemes: Intl.Segmenter | undefined;

/**
 * Shortens text to at most `max` UTF-16 code units (the unit Slack, Jira and JavaScript count),
 * ending in "…". It cuts between whole characters, never inside an emoji or a surrogate pair, so
 * that the result is always valid text.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = '';
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  for (const { segment } of graphemes.segment(text)) {
    if (kept.length + segment.length > max - 1) break;
    kept += segment;
  }
  return `${kept}…`;
}

/** `2026-11-22T10:00:00.000Z` as a person reads it: `2026-11-22 10:00 UTC`. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The credential report and IAM keep whole seconds in some places and milliseconds in others. */
export const wholeSeconds = (date: Date | string) => Math.floor(new Date(date).getTime() / 1000);

/** `1 day`, `2 days`, `0 days`: a count with its noun in the right number. */
export function count(amount: number, singular: string, plural = `${singular}s`): string {
  return `${amount} ${amount === 1 ? singular : plural}`;
}

/** How long ago, in whole days: `3 days ago`, `1 day ago`, and never `0 days ago`. */
export const daysAgo = (days: number) => (days < 1 ? 'less than a day ago' : `${count(days, 'day')} ago`);

/** A text ending in a full stop (or another end mark) exactly once. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * Slack treats &, < and > as control characters in every text it parses (a message's `text`,
 * mrkdwn, an ephemeral): `<!channel>` pings everyone, `<http://x|y>` disguises a link. The one
 * escape for every value from outside (a user, account, tag or ticket name, a reason, an error).
 */
export const escapeMrkdwn = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Who decided, in Slack text: a Slack user id as a mention; any other name (a terminal's `--by`,
 * an operator's login) as plain escaped text, since `<@alice>` shows as a broken mention. Slack's ids (U…, W… on
 * Enterprise Grid) are the config's `SLACK_USER_ID`.
 */
export const mention = (who: string) => (SLACK_USER_ID.test(who) ? `<@${who}>` : escapeMrkdwn(who));

/** Who decided, in plain text (a terminal, a ticket, an outcome shown in both): `Slack user U…` or the name. */
export const deciderName = (who: string) => (SLACK_USER_ID.test(who) ? `Slack user ${who}` : who);

/** A link whose target and label come from outside (Jira's answer): neither can close it early. */
export const slackLink = (url: string, label: string) =>
  `<${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${escapeMrkdwn(label)}>`;

/**
 * What a person typed, shown in mrkdwn so that it formats nothing: on one line (no line of its
 * own, no `>` quote), escaped, inside an inline code span, which Slack does not format (a backtick
 * in it, which would end the span, becomes an apostrophe).
 */
export function inertLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim().replace(/`/g, "'");
  return `\`${escapeMrkdwn(line)}\``;
}
