// Offline start: once loaded online, the app starts and its menu works with no network and no server.
import { freePort, seededDataDir, startAppServer, type AppServer } from './app-server';
import { MENU, expect, signIn, test, waitForServiceWorkerControl } from './fixtures';

// Offline journeys: the service worker serves the app while the network is gone.
test.use({ serviceWorkers: 'allow' });

let server: AppServer | undefined;

test.afterEach(async () => {
	await server?.stop();
	server = undefined;
});

test('after one online visit the shell starts offline with the server stopped, and its menu works', async ({
	browser
}) => {
	server = await startAppServer({ port: await freePort(), dataDir: await seededDataDir() });
	const context = await browser.newContext({ baseURL: server.url });
	const page = await context.newPage();
	try {
		await signIn(page);
		await waitForServiceWorkerControl(page);

		await server.stop();
		await context.setOffline(true);
		await page.reload();

		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
		await expect(page.getByRole('status').filter({ hasText: 'Connection' })).toContainText(
			'Offline'
		);
		const menu = page.getByRole('navigation');
		await menu.getByRole('link', { name: MENU.en['/customers'], exact: true }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Customers');
		await menu.getByRole('link', { name: MENU.en['/settings/user-management'] }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('User management');

		// A cold navigation to any route is answered with the app shell by the service worker.
		await page.goto('/indirect-providers');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Indirect providers');
		await page.getByLabel('Language').selectOption('ja');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('間接プロバイダー');
	} finally {
		await context.close();
	}
});

test('the connection indicator follows the server itself, not just the network', async ({
	browser
}) => {
	const port = await freePort();
	const dataDir = await seededDataDir();
	server = await startAppServer({ port, dataDir });
	const context = await browser.newContext({ baseURL: server.url });
	const page = await context.newPage();
	const indicator = page.getByRole('status').filter({ hasText: 'Connection' });
	try {
		await signIn(page);
		await expect(indicator).toContainText('Online');

		// The network stays up (navigator.onLine is true); only the server goes away.
		await server.stop();
		await expect(indicator).toContainText('Offline', { timeout: 20_000 });
		expect(await page.evaluate(() => navigator.onLine)).toBe(true);

		server = await startAppServer({ port, dataDir });
		await expect(indicator).toContainText('Online', { timeout: 20_000 });
	} finally {
		await context.close();
	}
});
