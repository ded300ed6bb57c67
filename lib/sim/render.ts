/** Renders what an approver would see, as plain text: a Slack Block Kit message and a Jira ADF document. */

type Block = Record<string, unknown>;
const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
/** Slack's formatting marks, at word edges: `*bold*`, `_italic_`, `~strike~`. */
const EMPHASIS = /(^|[^\w*_~])([*_~])([^*_~\n]+?)\2(?![\w*_~])/g;

/** Mrkdwn outside code spans: `<url|label>` reads as `label (url)`, `<@U123>` as `@U123`, emphasis as its words. */
const formatted = (text: string) =>
  text
    .replace(/<@(\w+)>/g, '@$1')
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(EMPHASIS, '$1$3');

/**
 * A Slack text as a terminal shows it, with no mark of Slack's own: a code span (a reason, a time)
 * reads as its words, which format nothing, and everything else loses its emphasis marks.
 */
export const mrkdwn = (text: string) =>
  unescape(
    text
      .split(/(`[^`\n]*`)/)
      .map((part, index) => (index % 2 === 1 ? part.slice(1, -1) : formatted(part)))
      .join(''),
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
            Math.min(CELL_WIDTH, Math.max(...rows.map((row) => (row[column] ?? '').length))),
          ) ?? [];
        for (const row of rows) lines.push(...tableRow(row, widths));
        break;
      }
      default:
        if (node.content) node.content.forEach(walk);
    }
  };
  walk(doc as AdfNode);
  return lines.map((line) => `${indent}${line}`).join('\n');
}

/** The widest a table column is drawn; a longer cell wraps onto more lines. */
const CELL_WIDTH = 40;

/**
 * A cell's text in lines of at most `width`, broken between words: a value is never cut (a key id,
 * "2 failed sign-in attempts" are read whole), and a single word longer than the column (an ARN)
 * keeps a line of its own, past the column's edge.
 */
export function wrapCell(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** One table row, each cell wrapped to its column: as many lines as its tallest cell. */
function tableRow(row: readonly string[], widths: readonly number[]): string[] {
  const cells = row.map((cell, column) => wrapCell(cell, widths[column] ?? CELL_WIDTH));
  const height = Math.max(...cells.map((cell) => cell.length));
  return Array.from({ length: height }, (_, index) =>
    cells
      .map((cell, column) => (cell[index] ?? '').padEnd(widths[column] ?? 0))
      .join(' │ ')
      .trimEnd(),
  );
}
