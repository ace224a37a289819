// Stops the test run with one clear line when no Chromium can be found.
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const candidates = [
	process.env.CHROMIUM_PATH,
	'/usr/bin/chromium',
	'/usr/bin/chromium-browser',
	'/usr/bin/google-chrome'
];
let own = '';
try {
	own = chromium.executablePath();
} catch {
	own = '';
}
if (!(own && existsSync(own)) && !candidates.some((c) => c && existsSync(c))) {
	console.error(
		'No Chromium found: run `npx playwright install chromium` (or `sudo apt-get install chromium` on Debian), or set CHROMIUM_PATH.'
	);
	process.exit(1);
}
