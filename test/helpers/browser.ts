import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';

/**
 * The Chromium the browser tests run in: `CHROMIUM_PATH` when it is set (a system Chromium, as on a
 * machine that has one), else the headless Chromium that `@sparticuz/chromium` carries inside its npm
 * package, so that `npm ci && npm test` needs nothing the lockfile does not hold. That package
 * inflates its brotli-compressed binary into the temporary directory at first launch and downloads
 * nothing. It ships an x86-64 binary only: on arm64, set `CHROMIUM_PATH`.
 */
interface Browser {
  executablePath: string;
  env: NodeJS.ProcessEnv;
}

let packaged: string | undefined;

/**
 * `@sparticuz/chromium` is an ES module, which jest's CommonJS runtime cannot load without Node's
 * experimental VM modules: a plain Node process asks it for the binary's path instead.
 */
function packagedChromium(): string {
  packaged ??= execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import chromium from '@sparticuz/chromium'; process.stdout.write(await chromium.executablePath());",
    ],
    { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' },
  );
  return packaged;
}

function browser(): Browser {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!fs.existsSync(configured)) throw new Error(`CHROMIUM_PATH is ${configured}, and no file is there.`);
    return { executablePath: configured, env: process.env };
  }
  // The package's own fonts (its fonts.conf names them under the temporary directory, as on Lambda):
  // the page is measured in the same typeface on every machine, whatever fonts it has or lacks.
  return {
    executablePath: packagedChromium(),
    env: { ...process.env, FONTCONFIG_PATH: path.join(os.tmpdir(), 'fonts') },
  };
}

/** Runs a check in a real headless Chromium page. */
export async function inBrowser(check: (page: Page) => Promise<void>): Promise<void> {
  const { executablePath, env } = browser();
  const instance = await chromium.launch({ executablePath, env, args: ['--no-sandbox'] });
  try {
    await check(await instance.newPage());
  } finally {
    await instance.close();
  }
}
