// Journeys that change the demo data run against their own server (own data dir, own port, the
// demo workspace as a first start seeds it): a fresh one for every test, or one for a whole file
// whose tests each change their own part of it. Every browser context a test opens is closed after
// it.
import type { Browser, BrowserContext, BrowserContextOptions, Page } from '@playwright/test';
import { freePort, seededDataDir, startAppServer, type AppServer } from './app-server';
import { expect, signIn, test } from './fixtures';

/** A server before each test, stopped after it. */
export function freshServerPerTest(contextOptions: BrowserContextOptions = {}) {
	return freshServer('test', contextOptions);
}

/** One server for the file's tests (started before the first, stopped after the last). */
export function freshServerPerFile(contextOptions: BrowserContextOptions = {}) {
	return freshServer('file', contextOptions);
}

function freshServer(scope: 'test' | 'file', contextOptions: BrowserContextOptions) {
	let server: AppServer | undefined;
	const contexts: BrowserContext[] = [];
	const start = async () => {
		server = await startAppServer({ port: await freePort(), dataDir: await seededDataDir() });
	};
	const stop = async () => {
		await server?.stop();
		server = undefined;
	};

	if (scope === 'test') test.beforeEach(start);
	else test.beforeAll(start);
	test.afterEach(async () => {
		for (const context of contexts.splice(0)) await context.close();
		if (scope === 'test') await stop();
	});
	if (scope === 'file') test.afterAll(stop);

	/** The server's origin. */
	const url = (): string => {
		if (!server) throw new Error('the server starts before each test');
		return server.url;
	};

	async function newContext(browser: Browser): Promise<BrowserContext> {
		const context = await browser.newContext({
			permissions: ['clipboard-read', 'clipboard-write'],
			...contextOptions,
			baseURL: url()
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
