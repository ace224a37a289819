// A distributor's size (issue 20): Contoso has 1,000 more customers (the server's own write path,
// `TIERTWO_DEMO_CUSTOMERS`). Its admin signs in on a new device: every customer is listed at once
// (the server's summaries), over one websocket, with no console error, while the header says how far syncing is; the provider's order
// for one of them shows live on the reseller's open record; once everything synced, the device
// goes offline and any customer's record still opens. Prints the figures it sees.
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { freePort, newDataDir, startAppServer, type AppServer } from './app-server';
import { demoCustomer } from '../../sync-server/src/demo-customers';
import { expect, signInThroughForm, test, waitForServiceWorkerControl } from './fixtures';

// Offline journeys: the service worker serves the app while the network is gone.
test.use({ serviceWorkers: 'allow' });

const GENERATED = 1_000;
const RESELLER = { email: 'admin@contoso.example', password: 'tiertwo-demo' };
const PROVIDER = { email: 'admin@northwind.example', password: 'tiertwo-demo' };

let server: AppServer;
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
	test.setTimeout(300_000);
	server = await startAppServer({
		port: await freePort(),
		dataDir: newDataDir(),
		env: { TIERTWO_DEMO_CUSTOMERS: String(GENERATED) },
		startTimeoutMs: 240_000
	});
});

test.afterAll(async () => {
	for (const context of contexts.splice(0)) await context.close();
	await server?.stop();
});

async function newPage(browser: Browser): Promise<Page> {
	const context = await browser.newContext({ baseURL: server.url });
	contexts.push(context);
	return context.newPage();
}

test('a reseller with 1,000 more customers signs in on a new device: all listed over one websocket, orders live, every record offline', async ({
	browser
}) => {
	test.setTimeout(300_000);
	const page = await newPage(browser);
	// Signed out, the app's session check answers 401 (two "Failed to load resource" lines): the
	// errors counted are those from signing in on.
	await page.goto('/sign-in');
	await page.waitForLoadState('networkidle');
	await page.getByLabel('Email').fill(RESELLER.email);
	await page.getByLabel('Password').fill(RESELLER.password);
	const sockets: string[] = [];
	const errors: string[] = [];
	page.on('websocket', (socket) => sockets.push(socket.url()));
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(message.text());
	});
	page.on('pageerror', (error) => errors.push(error.message));

	const started = Date.now();
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
	await page.getByRole('navigation').getByRole('link', { name: 'Customers', exact: true }).click();
	const count = page.getByRole('status').filter({ hasText: /^Customers found: / });
	await expect(count).toHaveText(/^Customers found: 1,?00\d$/, { timeout: 60_000 });
	const listed = Date.now() - started;
	console.log(`distributor e2e: ${GENERATED} more customers listed ${listed} ms after sign-in`);
	// From the server's summaries, before the documents sync (issue 20's target is 3 s for 2,000 on
	// a quiet machine; CI's bound leaves room for a busy one, and `npm run bench` prints the figure).
	expect(listed).toBeLessThan(10_000);

	// The header says how far it is until every document synced once, then that it is online.
	const header = page.getByRole('banner');
	await expect(header.getByRole('status').filter({ hasText: /Connection:\s*Online/ })).toBeVisible({
		timeout: 180_000
	});
	console.log(`distributor e2e: every document synced ${Date.now() - started} ms after sign-in`);
	expect(sockets.filter((url) => new URL(url).pathname.startsWith('/sync'))).toHaveLength(1);

	// The provider orders for one of them; the reseller's open record shows it live.
	const last = demoCustomer(GENERATED - 1);
	await openFromList(page, last.legalName);
	const provider = await newPage(browser);
	await signInThroughForm(provider, PROVIDER);
	await provider.goto(`/customers/${last.customerId}`);
	const form = provider.getByRole('form', { name: 'Submit an order' });
	await form.getByLabel('Offer').selectOption({ label: 'Business Basic' });
	await form.getByLabel('Term').selectOption({ label: 'Annual' });
	await form.getByLabel('Quantity').fill('7');
	const ordered = Date.now();
	await form.getByRole('button', { name: 'Submit order' }).click();
	const line = 'New subscription: Business Basic, Annual, 7 licenses';
	await expect(
		page.getByRole('region', { name: 'Orders' }).getByRole('row', { name: line })
	).toBeVisible({ timeout: 15_000 });
	console.log(
		`distributor e2e: the provider's order showed on the reseller's record in ${Date.now() - ordered} ms`
	);
	expect(errors).toEqual([]);
	expect(sockets.filter((url) => new URL(url).pathname.startsWith('/sync'))).toHaveLength(1);

	// Offline, any customer's record opens from the device.
	await waitForServiceWorkerControl(page);
	await page.context().setOffline(true);
	for (const index of [0, 499, 998]) {
		await openFromList(page, demoCustomer(index).legalName);
		await expect(page.getByRole('region', { name: 'Orders' })).toBeVisible();
	}
	await page.context().setOffline(false);
});

/** Finds a customer by name in the Customers list and opens its record (in the app, no reload). */
async function openFromList(page: Page, name: string): Promise<void> {
	await page.getByRole('navigation').getByRole('link', { name: 'Customers', exact: true }).click();
	await page.getByRole('searchbox', { name: 'Search customers by name' }).fill(name);
	await page.getByRole('link', { name, exact: true }).first().click();
	await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}
