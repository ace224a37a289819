// Playwright: Chromium only. Each worker has its own real server (tests/e2e/fixtures.ts: a free port,
// a fresh data dir), so workers run files side by side without shared state: two by default
// (E2E_WORKERS). On 2 cores, two took as long as one in the full browser (13.8 against 13.3
// minutes) and save a quarter in its headless shell (6.6 against 8.6).
import { defineConfig } from '@playwright/test';
import { CHROMIUM_FLAGS, findChromium } from './browser';

const executablePath = findChromium();

export default defineConfig({
	testDir: '.',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	workers: Number(process.env.E2E_WORKERS ?? 2),
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		browserName: 'chromium',
		// The service worker precaches the whole build in every new context: a quarter of a journey's
		// time. Journeys that go offline, reload or update opt in (test.use({ serviceWorkers: 'allow' })).
		serviceWorkers: 'block',
		launchOptions: { executablePath, args: CHROMIUM_FLAGS },
		// A trace records a DOM snapshot per action: a fifth of the suite's time. E2E_TRACE=1 keeps
		// one for each failing test (npx playwright show-trace test-results/…/trace.zip).
		trace: process.env.E2E_TRACE === '1' ? 'retain-on-failure' : 'off'
	}
});
