/** The oldest Node.js major iam-janitor is made for: package.json's `engines`, `>=22`. */
export function requiredNodeMajor(): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const engines = (require('../../package.json') as { engines: { node: string } }).engines.node;
  return Number(/^>=(\d+)/.exec(engines)![1]);
}

/**
 * What the CLI says once, at start, on a Node.js older than `engines` asks: npm only warns at install
 * time, and a command that then runs with no word would leave an odd failure unexplained.
 */
export function nodeVersionWarning(version: string): string | undefined {
  const required = requiredNodeMajor();
  if (Number(version.split('.')[0]) >= required) return undefined;
  return `iam-janitor: this is Node.js ${version}, older than the ${required} or later that iam-janitor needs (package.json "engines"; 24 recommended, as .nvmrc names). It goes on, untested on this version.`;
}
