// Browser tests drive Debian's Chromium through playwright-core. On a fresh machine (CI) it is not
// installed yet: install it once, before any browser test file runs (we run as root there).
// The UI is built first when needed.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { ensureWebBuild } from '../../server/web-ui.ts';

export const CHROMIUM = '/usr/bin/chromium';

export default function setup() {
  // The UI as `npm start` serves it: built here (when missing or stale) so no test waits for it.
  ensureWebBuild((line) => console.log(line));
  if (existsSync(CHROMIUM)) return;
  execSync('apt-get update && apt-get install -y chromium', {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is still missing after apt-get install chromium`);
}
