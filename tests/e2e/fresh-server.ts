// Journeys that change the demo data run against their own server: a fresh one (own data dir, own
// port) for every test, stopped after it with every browser context the test opened.
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { freePort, newDataDir, startAppServer, type AppServer } from './app-server';
import { expect, signIn, test } from './fixtures';

export function freshServerPerTest() {
	let server: AppServer | undefined;
	const contexts: BrowserContext[] = [];

	test.beforeEach(async () => {
		server = await startAppServer({ port: await freePort(), dataDir: newDataDir() });
	});

	test.afterEach(async () => {
		for (const context of contexts.splice(0)) await context.close();
		await server?.stop();
	});

	/** This test's server origin. */
	const url = (): string => {
		if (!server) throw new Error('the server starts before each test');
		return server.url;
	};

	async function newContext(browser: Browser): Promise<BrowserContext> {
		const context = await browser.newContext({
			baseURL: url(),
			permissions: ['clipboard-read', 'clipboard-write']
		});
		contexts.push(context);
		return context;
	}

	async function signedInPage(browser: Browser, who: { email: string; password: string }) {
		const context = await newContext(browser);
		const page = await context.newPage();
		await signIn(page, who);
		return { context, page };
	}

	return { url, newContext, signedInPage };
}

/** The shell's "N changes waiting to sync" is gone: everything made here reached the server. */
export async function expectSynced(page: Page): Promise<void> {
	await expect(
		page
			.getByRole('banner')
			.getByRole('status')
			.filter({ hasText: /waiting to sync/ })
	).toBeHidden({ timeout: 30_000 });
}
