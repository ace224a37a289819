// Shared test setup: each worker's own server, demo account, signing in, and a check that no page
// breaks the CSP.
import { test as base, expect, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, seededDataDir, startAppServer, type AppServer } from './app-server';

/** A demo account the server seeds (sync-server demo data). */
export const DEMO_ADMIN = { email: 'admin@contoso.example', password: 'tiertwo-demo' };

/**
 * The demo admin's menu (an indirect reseller's Global admin and Admin agent: Indirect resellers is
 * a provider's page), labels exactly as GLOSSARY.md gives them.
 */
export const MENU = {
	en: {
		'/': 'Dashboard',
		'/customers': 'Customers',
		'/indirect-providers': 'Indirect providers',
		'/enrollment': 'Enrollment',
		'/settings': 'Settings',
		'/settings/user-management': 'User management'
	},
	ja: {
		'/': 'ダッシュボード',
		'/customers': '顧客',
		'/indirect-providers': '間接プロバイダー',
		'/enrollment': '登録',
		'/settings': '設定',
		'/settings/user-management': 'ユーザー管理'
	}
} as const;

export type Route = keyof (typeof MENU)['en'];
export const ROUTES = Object.keys(MENU.en) as Route[];

export async function signInThroughForm(page: Page, account = DEMO_ADMIN): Promise<void> {
	await page.goto('/sign-in');
	await page.getByLabel('Email').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
}

/** Signs the page's context in through the API, as the form does (its cookies, no page load). */
export async function signInThroughApi(page: Page, account = DEMO_ADMIN): Promise<void> {
	// The server takes API POSTs only with its own Origin, as a browser sends it.
	const origin = new URL((await page.request.get('/health')).url()).origin;
	const response = await page.request.post('/api/auth/sign-in', {
		data: { email: account.email, password: account.password },
		headers: { origin }
	});
	expect(response.status(), await response.text()).toBe(200);
}

/**
 * Signs in through the API and opens the Dashboard: for journeys where the form is not what is
 * tested (shell.e2e.ts tests the form), a page load and the typing fewer.
 */
export async function signIn(page: Page, account = DEMO_ADMIN): Promise<void> {
	await signInThroughApi(page, account);
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
}

/** Resolves once a service worker controls the page (it precached the app while installing). */
/**
 * The header's connection status says Online: every document listed for the user is on this
 * device (while one is still syncing it says Syncing), so the device can work offline with them.
 */
export async function expectCaughtUp(page: Page): Promise<void> {
	await expect(
		page
			.getByRole('banner')
			.getByRole('status')
			.filter({ hasText: /Connection:\s*Online/ })
	).toBeVisible({ timeout: 30_000 });
}

export async function waitForServiceWorkerControl(page: Page): Promise<void> {
	await page.waitForFunction(async () => {
		await navigator.serviceWorker.ready;
		return navigator.serviceWorker.controller?.state === 'activated';
	});
}

interface Fixtures {
	/** Fails the test when the page logs a Content-Security-Policy violation. */
	cspGuard: void;
}

const SIGNED_IN_STATE_MAX_AGE_MS = 10 * 60_000;

interface WorkerFixtures {
	/**
	 * The server the worker's tests share (the built app on the real sync server, demo workspace,
	 * own data directory and port): workers run side by side without seeing each other's changes.
	 * `baseURL` is its origin. Journeys that must stop or swap a server start their own.
	 */
	workerServer: AppServer;
	/**
	 * A storage state file with the cookies of a demo sign-in, shared by the tests of a worker (one
	 * sign-in, not dozens). Signed in again once it is 10 minutes old: the access cookie lasts 15,
	 * and the first test to refresh it would rotate the refresh token that every later test still
	 * holds (presenting a used one ends the session).
	 */
	signedInState: () => Promise<string>;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
	workerServer: [
		// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture uses from its first parameter
		async ({}, use) => {
			const server = await startAppServer({
				port: await freePort(),
				dataDir: await seededDataDir()
			});
			await use(server);
			await server.stop();
		},
		{ scope: 'worker' }
	],
	baseURL: async ({ workerServer }, use) => {
		await use(workerServer.url);
	},
	cspGuard: [
		async ({ page }, use) => {
			const violations: string[] = [];
			page.on('console', (message) => {
				if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
			});
			await use();
			expect(violations, 'Content-Security-Policy violations').toEqual([]);
		},
		{ auto: true }
	],
	signedInState: [
		async ({ playwright, workerServer }, use) => {
			const baseURL = workerServer.url;
			const dir = mkdtempSync(path.join(os.tmpdir(), 'tiertwo-e2e-state-'));
			let current: { file: string; at: number } | null = null;
			await use(async () => {
				if (current && Date.now() - current.at < SIGNED_IN_STATE_MAX_AGE_MS) return current.file;
				const request = await playwright.request.newContext({ baseURL });
				// The server accepts API POSTs only with its own Origin, as a browser sends it.
				const response = await request.post('/api/auth/sign-in', {
					data: DEMO_ADMIN,
					headers: { origin: new URL(String(baseURL)).origin }
				});
				expect(response.status(), await response.text()).toBe(200);
				const file = path.join(dir, `signed-in-${Date.now()}.json`);
				await request.storageState({ path: file });
				await request.dispose();
				current = { file, at: Date.now() };
				return file;
			});
		},
		{ scope: 'worker' }
	]
});

export { expect };
