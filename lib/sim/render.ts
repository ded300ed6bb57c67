import { clip } from '../../lambdas/commons/runtime/text';
/** Renders what an approver would see, as plain text: a Slack Block Kit message and a Jira ADF document. */

type Block = Record<string, unknown>;
const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
/** `<url|label>` reads as `label (url)`; `<@U123>` as `@U123`. */
export const mrkdwn = (text: string) =>
  unescape(
    text
      .replace(/<@(\w+)>/g, '@$1')
      .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
      .replace(/\*([^*\n]+)\*/g, '$1'),
  );

export function slackToText(blocks: Block[] | undefined, indent = '  '): string {
  const lines: string[] = [];
  for (const block of blocks ?? []) {
    const text = (block.text as { text?: string } | undefined)?.text;
    switch (block.type) {
      case 'header':
        lines.push(`▌ ${text ?? ''}`);
        break;
      case 'section':
        if (text) lines.push(...mrkdwn(text).split('\n'));
        for (const field of (block.fields as { text: string }[] | undefined) ?? []) {
          const [label, ...value] = mrkdwn(field.text).split('\n');
          lines.push(`${(label ?? '').padEnd(22)} ${value.join(' ')}`);
        }
        break;
      case 'context':
        lines.push(
          ...((block.elements as { text: string }[] | undefined) ?? []).map((element) =>
            mrkdwn(element.text),
          ),
        );
        break;
      case 'input':
        lines.push(`${(block.label as { text: string }).text}: [ ____________ ]`);
        break;
      case 'actions':
        lines.push(
          ((block.elements as { text: { text: string }; style?: string; confirm?: unknown }[]) ?? [])
            .map((button) => `[ ${button.text.text}${button.confirm ? ' …' : ''} ]`)
            .join('  '),
        );
        break;
    }
  }
  return lines.map((line) => `${indent}${line}`).join('\n');
}

type AdfNode = {
  type: string;
  text?: string;
  content?: AdfNode[];
  attrs?: Record<string, unknown>;
  marks?: { type: string; attrs?: { href?: string } }[];
};

export function adfToText(doc: unknown, indent = '  '): string {
  const lines: string[] = [];
  const inline = (nodes: AdfNode[] | undefined): string =>
    (nodes ?? [])
      .map((node) => {
        const href = node.marks?.find((mark) => mark.type === 'link')?.attrs?.href;
        return href ? `${node.text} (${href})` : (node.text ?? inline(node.content));
      })
      .join('');
  const walk = (node: AdfNode) => {
    switch (node.type) {
      case 'doc':
        node.content?.forEach(walk);
        break;
      case 'heading':
        lines.push('', `${'#'.repeat(Number(node.attrs?.level ?? 3))} ${inline(node.content)}`);
        break;
      case 'paragraph':
        lines.push(inline(node.content));
        break;
      case 'bulletList':
        for (const item of node.content ?? []) lines.push(`• ${inline(item.content?.[0]?.content)}`);
        break;
      case 'table': {
        const rows = (node.content ?? []).map((row) =>
          (row.content ?? []).map((cell) => inline(cell.content?.[0]?.content)),
        );
        const widths =
          rows[0]?.map((_, column) =>
            Math.min(40, Math.max(...rows.map((row) => (row[column] ?? '').length))),
          ) ?? [];
        for (const row of rows)
          // A long cell is cut with a mark (…), never silently: the reader knows there is more.
          lines.push(row.map((cell, column) => clip(cell, 60).padEnd(widths[column] ?? 0)).join(' │ '));
        break;
      }
      default:
        if (node.content) node.content.forEach(walk);
    }
  };
  walk(doc as AdfNode);
  return lines.map((line) => `${indent}${line}`).join('\n');
}
