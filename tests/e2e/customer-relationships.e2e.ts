// Reseller relationships end to end against the real server (a fresh demo workspace per test): a
// reseller requests a relationship and a new customer accepts with a customer account made on the
// spot; a reseller invites a customer for itself and its provider, an existing customer accepts and
// both partners see it live and the provider orders for it while the reseller watches the
// subscription appear; a customer removes the provider of record, then ends the relationship,
// and the partners lose the customer live. Accessibility of every new page and dialog.
import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './axe';
import { expectSynced, freshServerPerTest } from './fresh-server';
import { expect, test } from './fixtures';

const PASSWORD = 'tiertwo-demo';
const account = (email: string) => ({ email, password: PASSWORD });
const CONTOSO_ADMIN = account('admin@contoso.example');
const NORTHWIND_ADMIN = account('admin@northwind.example');
const FOURTH_COFFEE_ADMIN = account('admin@fourthcoffee.example');
const WINGTIP_ADMIN = account('admin@wingtip.example');

const { url, newContext, signedInPage } = freshServerPerTest();

const customerRow = (page: Page, name: string) =>
	page.getByRole('table', { name: 'Customers', exact: true }).getByRole('row', { name });

async function openCustomers(page: Page): Promise<void> {
	await page.getByRole('navigation').getByRole('link', { name: 'Customers', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Customers' })).toBeVisible();
}

test('a reseller requests a relationship; a new customer creates its account on the spot and accepts', async ({
	browser
}) => {
	const { page: contoso } = await signedInPage(browser, CONTOSO_ADMIN);
	await openCustomers(contoso);
	await expect(customerRow(contoso, 'Wingtip Toys')).toContainText('Reseller of record');
	await expectNoAxeViolations(contoso, 'Customers');

	const requests = contoso.getByRole('table', { name: 'Relationship requests' });
	// Pending requests are listed by default; used ones a choice away.
	await contoso.getByLabel('Show', { exact: true }).selectOption('all');
	const used = requests.getByRole('row').filter({ hasText: 'Used' });
	// The demo workspace's customers came through links of Contoso's, used long ago.
	await expect(used.first()).toBeVisible();
	const usedBefore = await used.count();
	await expect(requests.getByRole('row').filter({ hasText: 'Pending' })).toHaveCount(0);

	await contoso.getByRole('button', { name: 'Request a reseller relationship' }).click();
	const dialog = contoso.getByRole('dialog', { name: 'Reseller relationship request' });
	await expect(dialog).toBeVisible();
	const link = await dialog.getByLabel('Personalized link', { exact: true }).inputValue();
	expect(link).toMatch(new RegExp(`^${url()}/invitation#[A-Za-z0-9_-]{43}$`));
	await dialog.getByRole('button', { name: 'Copy link' }).click();
	expect(await contoso.evaluate(() => navigator.clipboard.readText())).toBe(link);
	await expectNoAxeViolations(contoso, 'the relationship request draft');

	// Done refuses while the personalized link is missing or altered.
	const text = dialog.getByRole('textbox', { name: /Email text/ });
	const draft = await text.inputValue();
	expect(draft).toContain(link);
	await text.fill(draft.replace(link, `${link.slice(0, -3)}xyz`));
	await dialog.getByRole('button', { name: 'Done' }).click();
	await expect(dialog.getByRole('alert')).toHaveText(/can't be marked done/);
	await expect(dialog).toBeVisible();
	await text.fill(draft.replace(link, ''));
	await dialog.getByRole('button', { name: 'Done' }).click();
	await expect(dialog.getByRole('alert')).toHaveText(/can't be marked done/);
	await expect(dialog).toBeVisible();
	await text.fill(`Dear customer,\n\n${link}\n\nContoso`);
	await dialog.getByRole('button', { name: 'Done' }).click();
	await expect(dialog).toBeHidden();
	await expect(requests.getByRole('row').filter({ hasText: 'Pending' })).toHaveCount(1);
	await expectSynced(contoso);

	// A new customer opens the link signed out and creates its account on the spot.
	const customer = await (await newContext(browser)).newPage();
	await customer.goto(link);
	await expect(
		customer.getByRole('heading', {
			level: 1,
			name: 'Contoso IT Services requests a reseller relationship'
		})
	).toBeVisible();
	await expect(customer.getByText(/gets admin permissions on your subscriptions/)).toBeVisible();
	await expectNoAxeViolations(customer, 'the customer invitation page');
	await customer.getByRole('button', { name: 'Create a customer account' }).click();
	await customer.getByLabel('Company name').fill('Graphic Design Institute');
	await customer.getByLabel('Domain').fill('graphicdesign.example');
	await customer.getByLabel('Country/region').selectOption('US');
	await customer.getByLabel('Your name').fill('Gabi Designer');
	await customer.getByLabel('Email').fill('gabi@graphicdesign.example');
	await customer.getByLabel('Password').fill('short');
	await customer.getByRole('button', { name: 'Create account and accept' }).click();
	await expect(customer.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
	await expectNoAxeViolations(customer, 'the customer account form with an error');
	await customer.getByLabel('Password').fill('violet-harbor-lantern-93');
	await customer.getByRole('button', { name: 'Create account and accept' }).click();

	// The customer lands on its own organization page, with Contoso as reseller of record.
	await expect(customer).toHaveURL(/\/organization$/, { timeout: 20_000 });
	await expect(
		customer.getByRole('heading', { level: 1, name: 'Graphic Design Institute' })
	).toBeVisible({ timeout: 20_000 });
	await expect(
		customer
			.getByRole('table', { name: 'Resellers of record' })
			.getByRole('row', { name: /Contoso IT Services/ })
	).toBeVisible();
	await expect(
		customer.getByRole('navigation').getByRole('link', { name: 'Customers', exact: true })
	).toHaveCount(0);
	await expectNoAxeViolations(customer, 'Organization');

	// The reseller's list shows the new customer without a reload; the link is used.
	await expect(customerRow(contoso, 'Graphic Design Institute')).toContainText(
		'Reseller of record',
		{ timeout: 15_000 }
	);
	await expect(used).toHaveCount(usedBefore + 1);
	await expect(requests.getByRole('row').filter({ hasText: 'Pending' })).toHaveCount(0);
});

test('a reseller invites a customer with its provider; both partners see it live', async ({
	browser
}) => {
	const { page: contoso } = await signedInPage(browser, CONTOSO_ADMIN);
	const { page: northwind } = await signedInPage(browser, NORTHWIND_ADMIN);
	await openCustomers(northwind);
	await expect(customerRow(northwind, 'Wingtip Toys')).toContainText('Provider of record');
	await expect(customerRow(northwind, 'Fourth Coffee')).toHaveCount(0);

	await contoso
		.getByRole('navigation')
		.getByRole('link', { name: 'Indirect providers', exact: true })
		.click();
	const northwindRow = contoso
		.getByRole('table', { name: 'Your indirect providers' })
		.getByRole('row', { name: /Northwind Distribution/ });
	await northwindRow
		.getByRole('button', { name: 'Invite new customers with Northwind Distribution' })
		.click();
	const dialog = contoso.getByRole('dialog', {
		name: 'Invite new customers with Northwind Distribution'
	});
	await expect(dialog).toBeVisible();
	const link = await dialog.getByLabel('Personalized link', { exact: true }).inputValue();
	await expect(dialog.getByRole('textbox', { name: /Email text/ })).toHaveValue(
		/Northwind Distribution can submit orders/
	);
	await dialog.getByRole('button', { name: 'Done' }).click();
	await expect(dialog).toBeHidden();
	await expectSynced(contoso);

	// Fourth Coffee (no partner yet, in the same country) opens the link, signs in and accepts.
	const fourthCoffee = await (await newContext(browser)).newPage();
	await fourthCoffee.goto(link);
	await expect(
		fourthCoffee.getByRole('heading', {
			level: 1,
			name: 'Contoso IT Services and Northwind Distribution invite you to work with them'
		})
	).toBeVisible();
	await expect(
		fourthCoffee.getByText(/Northwind Distribution becomes provider of record/)
	).toBeVisible();
	await fourthCoffee.getByRole('link', { name: 'Sign in' }).click();
	await fourthCoffee.getByLabel('Email').fill(FOURTH_COFFEE_ADMIN.email);
	await fourthCoffee.getByLabel('Password').fill(FOURTH_COFFEE_ADMIN.password);
	await fourthCoffee.getByRole('button', { name: 'Sign in' }).click();
	await expect(fourthCoffee).toHaveURL(/\/invitation$/);
	await expectNoAxeViolations(fourthCoffee, 'the signed-in customer invitation page');
	await fourthCoffee.getByRole('button', { name: 'Accept' }).click();
	await expect(fourthCoffee).toHaveURL(/\/organization$/, { timeout: 20_000 });
	await expect(
		fourthCoffee
			.getByRole('table', { name: 'Resellers of record' })
			.getByRole('row', { name: /Contoso IT Services/ })
	).toContainText('Northwind Distribution', { timeout: 20_000 });

	// The provider's Customers page shows it live; the reseller's View customers lists it.
	await expect(customerRow(northwind, 'Fourth Coffee')).toContainText('Provider of record', {
		timeout: 15_000
	});
	await northwindRow
		.getByRole('link', { name: 'View customers shared with Northwind Distribution' })
		.click();
	await expect(
		contoso.getByRole('heading', { level: 1, name: 'Customers shared with Northwind Distribution' })
	).toBeVisible();
	const shared = contoso.getByRole('table', {
		name: 'Customers shared with Northwind Distribution'
	});
	await expect(shared.getByRole('row', { name: /Fourth Coffee/ })).toBeVisible({
		timeout: 15_000
	});
	await expect(shared.getByRole('row', { name: /Wingtip Toys/ })).toBeVisible();
	await expect(shared.getByRole('row', { name: /Coho Winery/ })).toHaveCount(0);
	await expectNoAxeViolations(contoso, 'View customers');

	// The reseller keeps Fourth Coffee's record open; the provider orders for it (on behalf of
	// Contoso), the program provisions it, and the reseller's screen shows the new subscription.
	await shared.getByRole('link', { name: 'Fourth Coffee' }).click();
	await expect(contoso.getByRole('heading', { level: 1, name: 'Fourth Coffee' })).toBeVisible();
	await customerRow(northwind, 'Fourth Coffee')
		.getByRole('link', { name: 'Fourth Coffee' })
		.click();
	await expect(northwind.getByRole('heading', { level: 1, name: 'Fourth Coffee' })).toBeVisible();
	const form = northwind.getByRole('form', { name: 'Submit an order' });
	await expect(form).toContainText('on behalf of the reseller of record, Contoso');
	await form.getByLabel('Offer').selectOption({ label: 'Business Standard' });
	await form.getByLabel('Term').selectOption({ label: 'Monthly' });
	await form.getByLabel('Quantity').fill('7');
	await form.getByRole('button', { name: 'Submit order' }).click();
	const line = 'New subscription: Business Standard, Monthly, 7 licenses';
	const ordered = northwind
		.getByRole('region', { name: 'Orders' })
		.getByRole('row', { name: line });
	await expect(ordered).toContainText('Provisioned', { timeout: 20_000 });
	const seen = contoso.getByRole('region', { name: 'Orders' }).getByRole('row', { name: line });
	await expect(seen).toContainText('Provisioned', { timeout: 20_000 });
	await expect(
		contoso
			.getByRole('region', { name: 'Subscriptions' })
			.getByRole('row', { name: /Business Standard/ })
	).toContainText('7');
});

test('a customer removes its provider of record, then ends the relationship; partners lose it live', async ({
	browser
}) => {
	const { context: contosoContext, page: contosoList } = await signedInPage(browser, CONTOSO_ADMIN);
	await openCustomers(contosoList);
	await expect(customerRow(contosoList, 'Wingtip Toys')).toBeVisible();
	const contosoRecord = await contosoContext.newPage();
	await contosoRecord.goto('/customers/wingtip');
	await expect(
		contosoRecord.getByRole('heading', { level: 1, name: 'Wingtip Toys' })
	).toBeVisible();
	const { page: northwind } = await signedInPage(browser, NORTHWIND_ADMIN);
	await openCustomers(northwind);
	await expect(customerRow(northwind, 'Wingtip Toys')).toBeVisible();

	const { page: wingtip } = await signedInPage(browser, WINGTIP_ADMIN);
	await wingtip
		.getByRole('navigation')
		.getByRole('link', { name: 'Organization', exact: true })
		.click();
	await expect(wingtip.getByRole('heading', { level: 1, name: 'Wingtip Toys' })).toBeVisible();
	const contosoRelationship = wingtip
		.getByRole('table', { name: 'Resellers of record' })
		.getByRole('row', { name: /Contoso IT Services/ });
	await expect(contosoRelationship).toContainText('Northwind Distribution');

	// Only the provider of record's part first.
	await contosoRelationship
		.getByRole('button', { name: 'Remove Northwind Distribution as provider of record' })
		.click();
	const removeDialog = wingtip.getByRole('dialog', {
		name: 'Remove Northwind Distribution as provider of record?'
	});
	await expectNoAxeViolations(wingtip, 'the remove provider dialog');
	await removeDialog.getByRole('button', { name: 'Remove provider' }).click();
	await expect(removeDialog).toBeHidden();
	// Said done once the server recorded it, not when it was only saved on this device.
	await expect(
		wingtip.getByRole('status').filter({ hasText: 'Done: the partner no longer has access.' })
	).toBeVisible();
	await expect(contosoRelationship.getByRole('cell').nth(1)).toHaveText('—');
	await expect(customerRow(northwind, 'Wingtip Toys')).toHaveCount(0, { timeout: 15_000 });
	await expect(customerRow(contosoList, 'Wingtip Toys')).toBeVisible();

	// Then the whole relationship.
	await contosoRelationship
		.getByRole('button', { name: 'End relationship with Contoso IT Services' })
		.click();
	const endDialog = wingtip.getByRole('dialog', {
		name: 'End the relationship with Contoso IT Services?'
	});
	await endDialog.getByRole('button', { name: 'End relationship' }).click();
	await expect(endDialog).toBeHidden();
	await expect(wingtip.getByText(/No partner manages your tenant/)).toBeVisible();

	// The reseller's open record and list follow without a reload.
	await expect(contosoRecord.getByText(/This customer is not on this device/)).toBeVisible({
		timeout: 15_000
	});
	await expect(customerRow(contosoList, 'Wingtip Toys')).toHaveCount(0, { timeout: 15_000 });
	await expect(customerRow(contosoList, 'Coho Winery')).toBeVisible();
});

test('partner pages are refused to a customer, and Organization to a partner', async ({
	browser
}) => {
	const { page: wingtip } = await signedInPage(browser, WINGTIP_ADMIN);
	await wingtip.goto('/customers');
	await expect(
		wingtip.getByRole('heading', { level: 2, name: "Your organization doesn't have this page" })
	).toBeVisible();
	await expect(
		wingtip.getByRole('link', {
			name: "See Organization for your organization's side of this work"
		})
	).toBeVisible();
	const { page: contoso } = await signedInPage(browser, CONTOSO_ADMIN);
	await expect(
		contoso.getByRole('navigation').getByRole('link', { name: 'Organization', exact: true })
	).toHaveCount(0);
	await contoso.goto('/organization');
	await expect(
		contoso.getByText(/is for these kinds of organization only: Customer/)
	).toBeVisible();
	await expect(
		contoso.getByRole('link', { name: "See Customers for your organization's side of this work" })
	).toBeVisible();
	await expect(contoso.getByRole('heading', { level: 2, name: 'Resellers of record' })).toHaveCount(
		0
	);
});

test('a partner opening a customer link is told so; a customer declines and nothing is shared', async ({
	browser
}) => {
	const { page: contoso } = await signedInPage(browser, CONTOSO_ADMIN);
	await openCustomers(contoso);
	await contoso.getByRole('button', { name: 'Request a reseller relationship' }).click();
	const dialog = contoso.getByRole('dialog', { name: 'Reseller relationship request' });
	const link = await dialog.getByLabel('Personalized link', { exact: true }).inputValue();
	await dialog.getByRole('button', { name: 'Done' }).click();
	await expectSynced(contoso);

	const { page: adatum } = await signedInPage(browser, account('admin@adatum.example'));
	await adatum.goto(link);
	await expect(adatum.getByRole('alert')).toHaveText(
		/signed in for Adatum Solutions, which isn't a customer organization/
	);
	await expect(adatum.getByRole('button', { name: 'Accept' })).toHaveCount(0);

	const { page: blueYonder } = await signedInPage(browser, account('admin@blueyonder.example'));
	await blueYonder.goto(link);
	await blueYonder.getByRole('button', { name: 'Decline' }).click();
	await expect(blueYonder.getByRole('status')).toHaveText(
		'You declined the request from Contoso IT Services. Nothing was shared.'
	);
	const requests = contoso.getByRole('table', { name: 'Relationship requests' });
	await expect(requests.getByRole('row').filter({ hasText: 'Pending' })).toHaveCount(0, {
		timeout: 15_000
	});
	await expect(customerRow(contoso, 'Blue Yonder Airlines')).toHaveCount(0);
	// The link worked once: opening it again says so.
	await blueYonder.goto(link);
	await expect(blueYonder.getByRole('alert')).toHaveText(/This invitation has already been used/);
});
