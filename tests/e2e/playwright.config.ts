// Playwright: Chromium only, against the real server started on a free port with a fresh data dir.
import { defineConfig } from '@playwright/test';
import path from 'node:path';
import { CHROMIUM_FLAGS, findChromium } from './browser';

const executablePath = findChromium();
const port = Number(process.env.E2E_PORT ?? 4317);

export default defineConfig({
	testDir: '.',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL: `http://localhost:${port}`,
		browserName: 'chromium',
		launchOptions: { executablePath, args: CHROMIUM_FLAGS },
		trace: 'retain-on-failure'
	},
	webServer: {
		command: `node tests/e2e/serve.mjs`,
		cwd: path.resolve(import.meta.dirname, '..', '..'),
		url: `http://localhost:${port}/health`,
		reuseExistingServer: false,
		timeout: 120_000,
		env: { PORT: String(port) }
	}
});
