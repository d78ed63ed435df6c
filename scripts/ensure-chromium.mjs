#!/usr/bin/env node
// Makes sure the headless Chromium that the report page test drives
// (test/cli/report-page.test.ts, through playwright-core) is installed: as
// root it installs Debian's chromium package with apt-get when
// /usr/bin/chromium is missing. Runs before `npm test`; does nothing when
// the browser is in place. The test is never skipped, so without root and
// without the browser this fails with what to install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
const say = (line) => process.stdout.write(`chromium: ${line}\n`);

if (!existsSync(CHROMIUM)) {
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium package ` +
        '(apt-get install chromium) for the report page test',
    );
  }
  say('installing Debian chromium with apt-get');
  const apt = {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  };
  execFileSync('apt-get', ['update', '-qq'], apt);
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], apt);
  if (!existsSync(CHROMIUM)) {
    throw new Error(`apt-get installed chromium but ${CHROMIUM} is missing`);
  }
}
