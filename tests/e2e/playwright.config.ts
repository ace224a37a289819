// Playwright: Chromium only. Each worker has its own real server (tests/e2e/fixtures.ts: a free port,
// a fresh data dir), so E2E_WORKERS=N runs files side by side without shared state; one by default,
// as two on a 2-core machine took as long (each test's browser and servers keep both cores busy).
import { defineConfig } from '@playwright/test';
import { CHROMIUM_FLAGS, findChromium } from './browser';

const executablePath = findChromium();

export default defineConfig({
	testDir: '.',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	workers: Number(process.env.E2E_WORKERS ?? 1),
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
