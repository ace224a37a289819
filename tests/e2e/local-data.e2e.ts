// Local data and the sync client, end to end: offline edits survive a reload and a browser restart
// and then reach the server and another user; two tabs agree; a refused update is shown with why.
import type { BrowserType, Page } from '@playwright/test';
import { formatHlc } from '../../src/lib/domain/clock';
import { execFileSync } from 'node:child_process';
import { expectNoAxeViolations } from './axe';
import { freePort, newDataDir, seededDataDir, startAppServer, type AppServer } from './app-server';
import { CHROMIUM_FLAGS, findChromium } from './browser';
import { expect, signIn, test, waitForServiceWorkerControl } from './fixtures';
import { networkSwitch } from './network-switch';
import { appendWithStockClient } from './stock-writer';

// Offline journeys: the service worker serves the app while the network is gone.
test.use({ serviceWorkers: 'allow' });

const PASSWORD = 'tiertwo-demo';
const CONTOSO_ADMIN = { email: 'admin@contoso.example', password: PASSWORD };
const CONTOSO_SALES = { email: 'sales@contoso.example', password: PASSWORD };
const WINGTIP_ADMIN = { email: 'admin@wingtip.example', password: PASSWORD };

let server: AppServer | undefined;

test.beforeEach(async () => {
	server = await startAppServer({
		port: await freePort(),
		dataDir: await seededDataDir(),
		...(process.env.LOCAL_DATA_APP_DIR ? { appDir: process.env.LOCAL_DATA_APP_DIR } : {})
	});
});

test.afterEach(async () => {
	await server?.stop();
	server = undefined;
});

async function openWingtip(page: Page): Promise<void> {
	await page.goto('/customers');
	await page.getByRole('link', { name: 'Wingtip Toys' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Wingtip Toys' })).toBeVisible();
	await expect(page.getByRole('rowheader', { name: 'Avery Lee' })).toBeVisible();
}

/** The customer's own view of its tenant (customers have Organization, not the partners' Customers). */
async function openOwnTenant(page: Page): Promise<void> {
	await page.goto('/organization');
	await expect(page.getByRole('heading', { level: 1, name: 'Wingtip Toys' })).toBeVisible();
	await expect(page.getByRole('rowheader', { name: 'Avery Lee' })).toBeVisible();
}

async function addTenantUser(page: Page, displayName: string, userName: string): Promise<void> {
	const form = page.getByRole('form', { name: 'Add user' });
	await form.getByLabel('Display name').fill(displayName);
	await form.getByLabel('User name').fill(userName);
	await form.getByRole('button', { name: 'Add', exact: true }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Saved on this device.' })).toBeVisible();
}

/** A browser with a profile on disk that outlives it (close it and launch it again). */
function persistentBrowser(playwright: { chromium: BrowserType }) {
	// a directory like a server's, removed when the worker exits
	const profile = newDataDir();
	const executablePath = findChromium({ full: true });
	const launch = () =>
		playwright.chromium.launchPersistentContext(profile, {
			baseURL: server!.url,
			args: CHROMIUM_FLAGS,
			...(executablePath ? { executablePath } : {})
		});
	return { profile, launch };
}

/** The shell's "N changes waiting to sync", shown in the header on every page. */
const waiting = (page: Page, count: number) =>
	page
		.getByRole('banner')
		.getByRole('status')
		.filter({
			hasText: count === 1 ? '1 change waiting to sync' : `${count} changes waiting to sync`
		});

/** Another user's device outside the browser: signs in over HTTP and writes one org event. */
async function writeAsContosoAdmin(type: string, payload: object): Promise<void> {
	await appendWithStockClient(server!.url, CONTOSO_ADMIN, 'org/contoso', [
		{
			id: crypto.randomUUID(),
			type,
			at: formatHlc({ wall: Date.now(), counter: 0, node: 'e2e-admin' }),
			by: { userId: 'contoso-admin', orgId: 'contoso' },
			payload
		}
	]);
}

test('edits made offline survive a reload and a browser restart, then reach the server and another user', async ({
	playwright,
	browser
}) => {
	const { launch } = persistentBrowser(playwright);

	let context = await launch();
	let network = await networkSwitch(context);
	let page = context.pages()[0] ?? (await context.newPage());
	await signIn(page, CONTOSO_ADMIN);
	await waitForServiceWorkerControl(page);
	await openWingtip(page);

	await network.offline();
	await addTenantUser(page, 'Offline Olivia', 'olivia@wingtip.example');
	await expect(page.getByRole('rowheader', { name: 'Offline Olivia' })).toBeVisible();
	await expect(waiting(page, 1)).toBeVisible();

	await page.reload();
	await expect(page.getByRole('rowheader', { name: 'Offline Olivia' })).toBeVisible();
	await expect(waiting(page, 1)).toBeVisible();

	// Close the browser and come back (still offline): everything seen and done is there.
	await context.close();
	context = await launch();
	network = await networkSwitch(context);
	await network.offline();
	page = context.pages()[0] ?? (await context.newPage());
	await page.goto('/customers');
	await page.getByRole('link', { name: 'Wingtip Toys' }).click();
	await expect(page.getByRole('rowheader', { name: 'Offline Olivia' })).toBeVisible();
	await expect(waiting(page, 1)).toBeVisible();
	await page.getByRole('banner').getByRole('link', { name: '1 change waiting to sync' }).click();
	await expect(
		page.getByRole('region', { name: 'Waiting to sync' }).getByRole('listitem')
	).toContainText(['Add user Offline Olivia to Wingtip Toys']);

	await network.online();
	await expect(waiting(page, 1)).toBeHidden({ timeout: 30_000 });
	await context.close();

	const other = await browser.newContext({ baseURL: server!.url });
	try {
		const customerPage = await other.newPage();
		await signIn(customerPage, WINGTIP_ADMIN);
		await openOwnTenant(customerPage);
		await expect(customerPage.getByRole('rowheader', { name: 'Offline Olivia' })).toBeVisible();
	} finally {
		await other.close();
	}
});

test('two tabs of the same user stay consistent, online and offline', async ({ browser }) => {
	const context = await browser.newContext({ baseURL: server!.url });
	try {
		const network = await networkSwitch(context);
		const first = await context.newPage();
		await signIn(first, CONTOSO_ADMIN);
		await openWingtip(first);
		const second = await context.newPage();
		await openWingtip(second);

		await addTenantUser(first, 'Tab One', 'tab.one@wingtip.example');
		await expect(second.getByRole('rowheader', { name: 'Tab One' })).toBeVisible();

		await network.offline();
		await addTenantUser(second, 'Tab Two', 'tab.two@wingtip.example');
		await expect(first.getByRole('rowheader', { name: 'Tab Two' })).toBeVisible();
		await expect(waiting(first, 1)).toBeVisible();
		await expect(waiting(second, 1)).toBeVisible();

		await network.online();
		await expect(waiting(first, 1)).toBeHidden({ timeout: 30_000 });
		await expect(waiting(second, 1)).toBeHidden();
		for (const page of [first, second]) {
			await expect(page.getByRole('rowheader', { name: /^Tab (One|Two)$/ })).toHaveCount(2);
		}
	} finally {
		await context.close();
	}
});

test('an invitation link made offline and refused on reconnecting says it will not work and offers nothing to send', async ({
	browser
}) => {
	const context = await browser.newContext({ baseURL: server!.url });
	try {
		const network = await networkSwitch(context);
		const page = await context.newPage();
		await signIn(page, CONTOSO_SALES);
		await page.goto('/customers');
		await expect(page.getByRole('heading', { level: 1, name: 'Customers' })).toBeVisible();
		// The org's invitations are on this device (its document is what the link is written to).
		await page.getByLabel('Show', { exact: true }).selectOption('all');
		await expect(
			page
				.getByRole('table', { name: 'Relationship requests' })
				.getByRole('row')
				.filter({ hasText: 'Used' })
				.first()
		).toBeVisible();

		await network.offline();
		await page.getByRole('button', { name: 'Request a reseller relationship' }).click();
		const dialog = page.getByRole('dialog', { name: 'Reseller relationship request' });
		await expect(dialog).toContainText("You're offline: the invitation is saved on this device");
		await expect(dialog.getByRole('button', { name: 'Copy link' })).toBeVisible();
		// Meanwhile a Global admin takes away the role that may send invitations.
		await writeAsContosoAdmin('user.rolesChanged', {
			userId: 'contoso-sales',
			roles: ['helpdeskAgent']
		});

		await network.online();
		await expect(dialog).toContainText(
			"This link will not work: the server refused the invitation. Your roles don't allow this.",
			{ timeout: 30_000 }
		);
		// Nothing offers to send a link that can never work.
		await expect(dialog.getByLabel('Personalized link', { exact: true })).toHaveCount(0);
		for (const name of ['Copy link', 'Copy email', 'Show QR code', 'Done']) {
			await expect(dialog.getByRole('button', { name })).toHaveCount(0);
		}
		await expect(dialog.getByRole('link', { name: 'Open in email app' })).toHaveCount(0);
		await expectNoAxeViolations(page, 'the refused invitation draft');
		await dialog.getByRole('button', { name: 'Close' }).click();
		await expect(dialog).toBeHidden();
	} finally {
		await context.close();
	}
});

test('an update refused because a role lost its capability while offline is shown with its reason', async ({
	browser
}) => {
	await writeAsContosoAdmin('user.rolesChanged', {
		userId: 'contoso-sales',
		roles: ['salesAgent', 'adminAgent']
	});
	const context = await browser.newContext({ baseURL: server!.url });
	try {
		const network = await networkSwitch(context);
		const page = await context.newPage();
		await signIn(page, CONTOSO_SALES);
		await openWingtip(page);
		await expect(page.getByRole('form', { name: 'Add user' })).toBeVisible();

		await network.offline();
		await addTenantUser(page, 'Refused Rex', 'rex@wingtip.example');
		await expect(waiting(page, 1)).toBeVisible();
		await writeAsContosoAdmin('user.rolesChanged', {
			userId: 'contoso-sales',
			roles: ['salesAgent']
		});

		await network.online();
		await expect(page.getByRole('heading', { name: 'Changes the server refused' })).toBeVisible({
			timeout: 30_000
		});
		// The record's own list (the shell's notice of refused changes says it too, outside main).
		const refused = page
			.getByRole('main')
			.getByRole('listitem')
			.filter({ hasText: 'Add user Refused Rex to Wingtip Toys' });
		await expect(refused).toContainText(
			"Not saved on the server: Your roles don't allow this. Ask a Global admin of your organization to assign you a role that does."
		);
		// Kept aside, not silently dropped; and gone from the tenant rebuilt from the server.
		await expect(page.getByRole('rowheader', { name: 'Refused Rex' })).toBeHidden();
		await expect(waiting(page, 1)).toBeHidden();

		// The header leads to every pending and refused change, in plain words, on one page.
		await page.getByRole('banner').getByRole('link', { name: '1 refused' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'Pending changes' })).toBeVisible();
		await expect(
			page
				.getByRole('main')
				.getByRole('listitem')
				.filter({ hasText: 'Add user Refused Rex to Wingtip Toys' })
		).toContainText('Not saved on the server');
		// Listed here (and on the record) with its reason, so not repeated as the shell's notice.
		await expect(page.getByRole('complementary')).toHaveCount(0);
		await expect(
			page.getByRole('status').filter({ hasText: 'All changes are synced.' })
		).toBeVisible();
		await page
			.getByRole('button', { name: 'Dismiss Add user Refused Rex to Wingtip Toys' })
			.click();
		await expect(page.getByRole('banner').getByRole('link', { name: '1 refused' })).toBeHidden();
		await expectNoAxeViolations(page, 'pending changes');
	} finally {
		await context.close();
	}
});

test('after days away, the Dashboard says what others changed meanwhile, until dismissed', async ({
	playwright
}) => {
	const { launch } = persistentBrowser(playwright);
	let context = await launch();
	let page = context.pages()[0] ?? (await context.newPage());
	await signIn(page, CONTOSO_SALES);
	await openWingtip(page);
	await expect(page.getByRole('region', { name: 'Since you were last online' })).toBeHidden();
	await context.close();

	// The laptop stays shut for three days; meanwhile the admin changes a colleague's roles.
	await writeAsContosoAdmin('user.rolesChanged', {
		userId: 'contoso-billing',
		roles: ['billingAdmin']
	});
	context = await launch();
	try {
		page = context.pages()[0] ?? (await context.newPage());
		await page.clock.install({ time: Date.now() + 3 * 86_400_000 });
		await page.goto('/');
		const away = page.getByRole('region', { name: 'Since you were last online' });
		await expect(away.getByRole('listitem')).toHaveText([
			"Change a user's roles: 1 in Contoso IT Services, by Contoso IT Services"
		]);
		await expectNoAxeViolations(page, 'dashboard with the summary of changes while away');
		await away.getByRole('button', { name: 'Dismiss the summary' }).click();
		await expect(away).toBeHidden();
		await page.reload();
		await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
		await expect(away).toBeHidden();
	} finally {
		await context.close();
	}
});

// After SIGKILL the browser has usually lost its newest session cookies (the rotated refresh
// token): back online the server answers 401 and 4401. The app then ends the session and asks to
// sign in (the sockets stopped by 4401 used to wait forever); the change waits in the outbox.
test('a browser killed while offline keeps its pending changes and delivers them on reconnect', async ({
	playwright,
	browser
}) => {
	const { profile, launch } = persistentBrowser(playwright);
	let context = await launch();
	const network = await networkSwitch(context);
	let page = context.pages()[0] ?? (await context.newPage());
	await signIn(page, CONTOSO_ADMIN);
	await waitForServiceWorkerControl(page);
	await openWingtip(page);
	await network.offline();
	await addTenantUser(page, 'Killed Kim', 'kim@wingtip.example');
	await expect(waiting(page, 1)).toBeVisible();

	// No orderly shutdown: every process of this browser profile gets SIGKILL.
	execFileSync('pkill', ['-KILL', '-f', `user-data-dir=${profile}`]);
	await context.close().catch(() => undefined);

	context = await launch();
	try {
		const again = await networkSwitch(context);
		await again.offline();
		page = context.pages()[0] ?? (await context.newPage());
		await page.goto('/customers');
		await page.getByRole('link', { name: 'Wingtip Toys' }).click();
		await expect(page.getByRole('rowheader', { name: 'Killed Kim' })).toBeVisible();
		await expect(waiting(page, 1)).toBeVisible();
		await again.online();
		// The kill may also have cost the browser its newest cookies (they are written lazily):
		// then the app asks to sign in again, and the change waits until the user has.
		const signInButton = page.getByRole('button', { name: 'Sign in' });
		// Either the session still holds and the change goes (nothing waits any more), or the app
		// asks to sign in again.
		await expect(async () => {
			expect((await signInButton.isVisible()) || !(await waiting(page, 1).isVisible())).toBe(true);
		}).toPass({ timeout: 20_000 });
		if (await signInButton.isVisible()) {
			await page.getByLabel('Email').fill(CONTOSO_ADMIN.email);
			await page.getByLabel('Password').fill(CONTOSO_ADMIN.password);
			await signInButton.click();
		}
		await expect(page.getByRole('heading', { level: 1, name: 'Wingtip Toys' })).toBeVisible();

		// Delivered: the customer's admin sees it live, and this device has nothing waiting.
		const other = await browser.newContext({ baseURL: server!.url });
		try {
			const customerPage = await other.newPage();
			await signIn(customerPage, WINGTIP_ADMIN);
			await openOwnTenant(customerPage);
			await expect(customerPage.getByRole('rowheader', { name: 'Killed Kim' })).toBeVisible({
				timeout: 30_000
			});
		} finally {
			await other.close();
		}
		await page.goto('/pending-changes');
		await expect(
			page.getByRole('status').filter({ hasText: 'All changes are synced.' })
		).toBeVisible();
	} finally {
		await context.close();
	}
});
