// Orders, relationship history and shared notes on the customer record (issue 9), across orgs:
// the provider orders for a customer it shares with its reseller and both see it provisioned; the
// form refuses quantities outside the offer's limits; a provider with no relationship can neither
// see the customer nor order (not even with a forged websocket message); orders and license changes
// made offline are delivered on reconnect, the page's status following the order from kept on the
// device to provisioned; reseller and provider edit the notes together, live.
import type { Browser, Page } from '@playwright/test';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { expectNoAxeViolations } from './axe';
import { expect, signIn, test, waitForServiceWorkerControl } from './fixtures';
import { freshServerPerFile } from './fresh-server';
import { networkSwitch } from './network-switch';

// Offline journeys: the service worker serves the app while the network is gone.
test.use({ serviceWorkers: 'allow' });

const account = (email: string) => ({ email, password: 'tiertwo-demo' });
const RESELLER = account('admin@contoso.example');
const PROVIDER = account('admin@northwind.example');
const UNRELATED_PROVIDER = account('admin@fabrikam.example');
const RECORD = '/customers/wingtip';

// Orders change the demo data other journeys count on: this file has its own server.
const { url, newContext, signedInPage: signedIn } = freshServerPerFile();

async function openRecord(page: Page): Promise<void> {
	await page.goto(RECORD);
	await expect(page.getByRole('heading', { level: 1, name: 'Wingtip Toys' })).toBeVisible();
}

const orders = (page: Page) => page.getByRole('region', { name: 'Orders' });
const orderRow = (page: Page, text: string) => orders(page).getByRole('row', { name: text });
const orderForm = (page: Page) => page.getByRole('form', { name: 'Submit an order' });

/** The reseller on the record, with the service worker in control and the network in hand. */
async function resellerOnRecordWithNetworkSwitch(browser: Browser) {
	const context = await newContext(browser);
	const network = await networkSwitch(context);
	const page = await context.newPage();
	await signIn(page, RESELLER);
	await waitForServiceWorkerControl(page);
	await openRecord(page);
	return { page, network };
}

/** Orders `quantity` more Business Premium licenses; returns the order's line as the list words it. */
async function orderMoreBusinessPremium(page: Page, quantity: number): Promise<string> {
	const form = orderForm(page);
	await form.getByRole('radio', { name: 'More licenses on a subscription' }).check();
	await form
		.getByRole('combobox', { name: 'Subscription' })
		.selectOption({ label: 'Business Premium' });
	await form.getByLabel('Quantity').fill(String(quantity));
	await form.getByRole('button', { name: 'Submit order' }).click();
	return `More licenses: Business Premium, +${quantity}`;
}

test('a provider orders for a customer it shares with its reseller; both see it provisioned', async ({
	browser
}) => {
	const provider = await signedIn(browser, PROVIDER);
	const reseller = await signedIn(browser, RESELLER);
	await openRecord(provider.page);
	await openRecord(reseller.page);

	const form = orderForm(provider.page);
	await expect(form).toContainText('on behalf of the reseller of record, Contoso');
	await form.getByLabel('Offer').selectOption({ label: 'Business Basic' });
	await form.getByLabel('Term').selectOption({ label: 'Annual' });
	await expect(form.getByText('Business Basic: 1 to 300 licenses.')).toBeVisible();
	// Over the offer's limit: refused in the form, with the limits, and nothing is sent.
	await form.getByLabel('Quantity').fill('301');
	await form.getByRole('button', { name: 'Submit order' }).click();
	await expect(form.getByLabel('Quantity')).toHaveAccessibleDescription(
		/Business Basic is sold in quantities from 1 to 300\./
	);
	await expect(orders(provider.page).getByRole('row', { name: /Business Basic/ })).toHaveCount(0);
	await expectNoAxeViolations(provider.page, 'order form with a quantity error');

	await form.getByLabel('Quantity').fill('12');
	await form.getByRole('button', { name: 'Submit order' }).click();
	const line = 'New subscription: Business Basic, Annual, 12 licenses';
	await expect(orderRow(provider.page, line)).toContainText('Provisioned', { timeout: 15_000 });
	// What the page said of the order follows it: provisioned, not "submitted" any more.
	const said = provider.page.getByRole('main').getByRole('status');
	await expect(said.filter({ hasText: 'Order provisioned.' })).toBeVisible();
	await expect(said.filter({ hasText: 'Order submitted' })).toHaveCount(0);
	await provider.page.getByLabel('Language').selectOption('ja');
	await expect(said.filter({ hasText: '注文はプロビジョニングされました。' })).toBeVisible();
	await provider.page.getByLabel('言語').selectOption('en');

	// The reseller sees the order (submitted by the provider for it) and the subscription, live.
	const seen = orderRow(reseller.page, line);
	await expect(seen).toContainText('Provisioned', { timeout: 15_000 });
	await expect(seen).toContainText('Northwind');
	const subscriptions = reseller.page.getByRole('region', { name: 'Subscriptions' });
	await expect(subscriptions.getByRole('row', { name: /Business Basic/ })).toContainText('12');
	await expect(reseller.page.getByRole('region', { name: 'Relationship history' })).toContainText(
		'Accepted by Wingtip Toys'
	);
	await expectNoAxeViolations(reseller.page, 'customer record with orders and history');
});

test('a next order started while the last one is still being saved is not cleared under the person', async ({
	browser
}) => {
	const provider = await signedIn(browser, PROVIDER);
	await openRecord(provider.page);
	const form = orderForm(provider.page);
	await form.getByLabel('Offer').selectOption({ label: 'Business Standard' });
	await form.getByLabel('Term').selectOption({ label: 'Monthly' });
	await form.getByLabel('Quantity').fill('3');
	// A busy device: another connection holds the outbox, so the order waits to be saved.
	await provider.page.evaluate(async () => {
		const request = indexedDB.open('tiertwo');
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(new Error('open'));
		});
		const store = db.transaction('outbox', 'readwrite').objectStore('outbox');
		const held = window as unknown as { outboxHeld: boolean };
		held.outboxHeld = true;
		const keepAlive = () => {
			if (held.outboxHeld) store.get('held').onsuccess = keepAlive;
		};
		keepAlive();
	});
	await form.getByRole('button', { name: 'Submit order' }).click();
	await expect(form.getByRole('button', { name: 'Submit order' })).toBeDisabled();
	// The next order, the same offer again, started before the first is saved.
	await form.getByLabel('Offer').selectOption({ label: 'Business Standard' });
	await form.getByLabel('Term').selectOption({ label: 'Monthly' });
	await provider.page.evaluate(() => {
		(window as unknown as { outboxHeld: boolean }).outboxHeld = false;
	});
	const first = 'New subscription: Business Standard, Monthly, 3 licenses';
	await expect(orderRow(provider.page, first)).toContainText('Provisioned', { timeout: 15_000 });
	await expect(form.getByRole('button', { name: 'Submit order' })).toBeEnabled();
	await expect(form.getByLabel('Offer')).toHaveValue('business-standard');
	await expect(form.getByLabel('Term')).toHaveValue('monthly');
	await form.getByLabel('Quantity').fill('2');
	await form.getByRole('button', { name: 'Submit order' }).click();
	const second = 'New subscription: Business Standard, Monthly, 2 licenses';
	await expect(orderRow(provider.page, second)).toContainText('Provisioned', { timeout: 15_000 });
	// Nothing started since: the form is cleared for the next one.
	await expect(form.getByLabel('Offer')).toHaveValue('');
});

test('a provider with no relationship to a customer cannot see it or order for it, even forged', async ({
	browser
}) => {
	const fabrikam = await signedIn(browser, UNRELATED_PROVIDER);
	await fabrikam.page.getByRole('link', { name: 'Customers', exact: true }).click();
	await expect(fabrikam.page.getByRole('heading', { level: 1, name: 'Customers' })).toBeVisible();
	await expect(fabrikam.page.getByText('Wingtip Toys')).toHaveCount(0);
	await fabrikam.page.goto(RECORD);
	await expect(fabrikam.page.getByText('This customer is not on this device.')).toBeVisible();
	await expect(orderForm(fabrikam.page)).toHaveCount(0);

	// Its session, over the y-websocket protocol from Node, with an order.submitted in the update.
	const cookies = await fabrikam.context.cookies(url());
	const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
	const doc = new Y.Doc();
	doc.getArray('log').push([
		{
			id: `forged-${Date.now()}`,
			type: 'order.submitted',
			at: `${Date.now().toString().padStart(15, '0')}:0000:forger`,
			by: { userId: 'fabrikam-admin', orgId: 'fabrikam' },
			payload: {
				orderId: 'forged-order',
				onBehalfOf: 'contoso',
				lines: [
					{ kind: 'newSubscription', offerId: 'business-basic', term: 'monthly', quantity: 1 }
				]
			}
		}
	]);
	const socket = new WebSocket(`${url().replace(/^http/, 'ws')}/sync/customer/wingtip`, {
		headers: { cookie, origin: url() }
	});
	const closed = new Promise<{ code: number; reason: string }>((resolve) =>
		socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
	);
	socket.on('error', () => {});
	socket.on('open', () => {
		const message = encoding.createEncoder();
		encoding.writeVarUint(message, 0); // messageSync
		syncProtocol.writeUpdate(message, Y.encodeStateAsUpdate(doc));
		socket.send(encoding.toUint8Array(message));
	});
	expect(await closed).toEqual({ code: 4403, reason: 'sync_document_forbidden' });

	// Nothing reached the customer: the reseller's record has no such order.
	const reseller = await signedIn(browser, RESELLER);
	await openRecord(reseller.page);
	await expect(orders(reseller.page).getByRole('row')).not.toHaveCount(0);
	await expect(orders(reseller.page)).not.toContainText('Fabrikam');
});

test('a license assigned and an order submitted offline are delivered on reconnect', async ({
	browser
}) => {
	const { page, network } = await resellerOnRecordWithNetworkSwitch(browser);
	const provider = await signedIn(browser, PROVIDER);
	await openRecord(provider.page);

	await network.offline();
	await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
	const license = page.getByRole('checkbox', { name: 'Cloud Storage 1 TB license for Avery Lee' });
	await license.check();
	await expect(license).toBeChecked();
	const line = await orderMoreBusinessPremium(page, 5);
	await expect(orderRow(page, line)).toContainText('Waiting to sync');
	const said = page.getByRole('main').getByRole('status');
	await expect(
		said.filter({
			hasText: "Order kept on this device: you're offline. It's sent when you reconnect"
		})
	).toBeVisible();
	await expect(said.filter({ hasText: 'Order provisioned.' })).toHaveCount(0);
	// Notes typed offline are kept on this device and sent with the rest.
	const notes = page.getByRole('textbox', { name: 'Shared notes' });
	await notes.click();
	await notes.press('Control+End');
	await notes.pressSequentially(' Offline: ordered 5 more.');

	await network.online();
	await expect(orderRow(page, line)).toContainText('Provisioned', { timeout: 30_000 });
	await expect(said.filter({ hasText: 'Order provisioned.' })).toBeVisible();
	await expect(said.filter({ hasText: 'Order kept on this device' })).toHaveCount(0);
	// The provider sees both: the order provisioned and the license assigned.
	await expect(orderRow(provider.page, line)).toContainText('Provisioned', { timeout: 15_000 });
	await expect(
		provider.page.getByRole('checkbox', { name: 'Cloud Storage 1 TB license for Avery Lee' })
	).toBeChecked();
	await expect(
		provider.page
			.getByRole('region', { name: 'Subscriptions' })
			.getByRole('row', { name: /Business Premium/ })
	).toContainText('30');
	await expect(provider.page.getByRole('textbox', { name: 'Shared notes' })).toHaveValue(
		/Offline: ordered 5 more\.$/
	);
});

test('a reseller Global admin ends a relationship from the record; the customer sees who ended it', async ({
	browser
}) => {
	const reseller = await signedIn(browser, RESELLER);
	const customer = await signedIn(browser, account('admin@relecloud.example'));
	await reseller.page.goto('/customers/relecloud');
	await expect(reseller.page.getByRole('heading', { level: 1, name: 'Relecloud' })).toBeVisible();
	const history = reseller.page.getByRole('region', { name: 'Relationship history' });
	await expect(history).toContainText('Accepted by Relecloud');
	await history.getByRole('button', { name: 'End relationship' }).click();
	const dialog = reseller.page.getByRole('dialog', {
		name: 'End the relationship with Relecloud?'
	});
	await expect(dialog).toContainText('removes your admin rights and future purchases');
	await expectNoAxeViolations(reseller.page, 'End relationship dialog');
	await dialog.getByRole('button', { name: 'End relationship' }).click();
	await expect(dialog).toBeHidden();

	// The customer opens its own record from Organization; the request named its partners (the
	// customer's device has no org document of the reseller).
	await customer.page.goto('/organization');
	await customer.page
		.getByRole('link', { name: 'Manage subscriptions, licenses, users, orders and notes' })
		.click();
	await expect(customer.page).toHaveURL(/\/customers\/relecloud$/);
	const seen = customer.page.getByRole('region', { name: 'Relationship history' });
	await expect(seen).toContainText(/Ended by Contoso IT Services on /, { timeout: 15_000 });
	await expect(seen).toContainText('Accepted by Relecloud');
	// A customer sees its orders but orders through its partners: no order form, no End button.
	await expect(customer.page.getByRole('region', { name: 'Orders' })).toBeVisible();
	await expect(orderForm(customer.page)).toHaveCount(0);
	await expect(seen.getByRole('button', { name: 'End relationship' })).toHaveCount(0);
});

test('reseller and provider edit the customer’s notes at the same time and both see both', async ({
	browser
}) => {
	const reseller = await signedIn(browser, RESELLER);
	const provider = await signedIn(browser, PROVIDER);
	await openRecord(reseller.page);
	await openRecord(provider.page);
	const resellerNotes = reseller.page.getByRole('textbox', { name: 'Shared notes' });
	const providerNotes = provider.page.getByRole('textbox', { name: 'Shared notes' });
	await expect(resellerNotes).toBeEditable();
	await expect(providerNotes).toBeEditable();

	// A clean page (an earlier journey left a line): clearing is an edit both see too.
	await resellerNotes.fill('');
	await expect(providerNotes).toHaveValue('');
	await resellerNotes.click();
	await resellerNotes.pressSequentially('Renewal call in May.');
	await expect(providerNotes).toHaveValue('Renewal call in May.');

	// At once: the provider writes at the start, the reseller at the end.
	await providerNotes.click();
	await providerNotes.press('Control+Home');
	await resellerNotes.press('Control+End');
	await Promise.all([
		providerNotes.pressSequentially('Provider: quote sent. ', { delay: 30 }),
		resellerNotes.pressSequentially(' Reseller: call booked.', { delay: 30 })
	]);
	const both = 'Provider: quote sent. Renewal call in May. Reseller: call booked.';
	await expect(resellerNotes).toHaveValue(both);
	await expect(providerNotes).toHaveValue(both);
	await expectNoAxeViolations(provider.page, 'customer record with shared notes');

	// Notes persist: a reload shows them from this device and the server.
	await reseller.page.reload();
	await expect(reseller.page.getByRole('textbox', { name: 'Shared notes' })).toHaveValue(both);
});

test('an order submitted offline and not made after its submitter moved on is told on any page', async ({
	browser
}) => {
	const { page, network } = await resellerOnRecordWithNetworkSwitch(browser);

	await network.offline();
	await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
	const line = await orderMoreBusinessPremium(page, 200);
	await expect(orderRow(page, line)).toContainText('Waiting to sync');
	// The reseller moves on; meanwhile the provider orders 100 more, which leaves no room for 200.
	await page
		.getByRole('navigation', { name: 'Main menu' })
		.getByRole('link', { name: 'Dashboard' })
		.click();
	await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
	const provider = await signedIn(browser, PROVIDER);
	await openRecord(provider.page);
	const providerLine = await orderMoreBusinessPremium(provider.page, 100);
	await expect(orderRow(provider.page, providerLine)).toContainText('Provisioned');

	await network.online();
	const notice = page.getByRole('complementary');
	await expect(notice).toContainText(
		'Submit an order: More licenses: Business Premium, +200 (Wingtip Toys)',
		{ timeout: 30_000 }
	);
	await expect(notice).toContainText('Not made: This quantity is outside the limits of the offer.');
	await expectNoAxeViolations(page, 'the notice of a failed order');
	// It leads to the record, which lists it as not applied, with the reason: the notice is not
	// repeated there.
	await notice.getByRole('link', { name: 'Open Customers' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Wingtip Toys' })).toBeVisible();
	await expect(page.getByRole('region', { name: 'Changes not applied' })).toContainText(
		'This quantity is outside the limits of the offer.'
	);
	await expect(orderRow(page, line)).toHaveCount(0);
	await expect(page.getByRole('complementary')).toHaveCount(0);
	// Elsewhere it stays until dismissed, and dismissed it stays gone.
	await page.goto('/');
	await expect(page.getByRole('complementary')).toContainText('Business Premium, +200');
	await page.getByRole('button', { name: 'Dismiss the notice of refused changes' }).click();
	await expect(page.getByRole('complementary')).toHaveCount(0);
	await page.reload();
	await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
	await expect(page.getByRole('complementary')).toHaveCount(0);
});
