// People and organizations by name (issue 21), against the real server (a fresh demo workspace per
// test): an invitation's draft carries its recipient (To, mailto:) and the links list shows whom
// each link went to; pages that printed ids name orgs and people, and say in words (English and
// Japanese) when this device does not know a name.
import type { Page } from '@playwright/test';
import { expectSynced, freshServerPerTest } from './fresh-server';
import { expect, test } from './fixtures';

const PASSWORD = 'tiertwo-demo';
const NORTHWIND_ADMIN = { email: 'admin@northwind.example', password: PASSWORD };
const FABRIKAM_ADMIN = { email: 'admin@fabrikam.example', password: PASSWORD };
const CONTOSO_ADMIN = { email: 'admin@contoso.example', password: PASSWORD };

const { signedInPage } = freshServerPerTest();

/** Request a partnership, address the draft to `recipient` and mark it done. */
async function inviteReseller(page: Page, recipient: string): Promise<void> {
	await page.getByRole('button', { name: 'Request a partnership' }).click();
	const dialog = page.getByRole('dialog', { name: 'Invitation email' });
	await dialog.getByLabel('To', { exact: true }).fill(recipient);
	await expect(dialog.getByRole('link', { name: 'Open in email app' })).toHaveAttribute(
		'href',
		new RegExp(`^mailto:${recipient.replace(/[.]/g, '\\.')}\\?subject=`)
	);
	await dialog.getByRole('button', { name: 'Done' }).click();
	await expect(dialog).toBeHidden();
}

test('a provider invites a reseller with a recipient: the draft and the links list carry it', async ({
	browser
}) => {
	const { page } = await signedInPage(browser, NORTHWIND_ADMIN);
	await page.getByRole('link', { name: 'Indirect resellers', exact: true }).click();

	// To takes an email address (or nothing): anything else is refused in words before it is used.
	await page.getByRole('button', { name: 'Request a partnership' }).click();
	const dialog = page.getByRole('dialog', { name: 'Invitation email' });
	const to = dialog.getByLabel('To', { exact: true });
	await to.fill('partners at adatum');
	await expect(dialog.getByRole('alert')).toHaveText(
		'Enter a valid email address in To, or leave it empty.'
	);
	await expect(dialog.getByRole('link', { name: 'Open in email app' })).toHaveCount(0);
	await dialog.getByRole('button', { name: 'Done' }).click();
	await expect(dialog).toBeVisible();
	await expect(to).toBeFocused();
	await to.fill('partners@adatum.example');
	await expect(dialog.getByRole('link', { name: 'Open in email app' })).toHaveAttribute(
		'href',
		/^mailto:partners@adatum\.example\?subject=.+&body=.+/
	);
	await dialog.getByRole('button', { name: 'Done' }).click();
	await expect(dialog).toBeHidden();

	// A second link a moment later, to someone else: the rows tell them apart.
	await inviteReseller(page, 'sales@adatum.example');
	const links = page.getByRole('table', { name: 'Invitation links' });
	await expect(links.getByRole('row', { name: /partners@adatum\.example/ })).toBeVisible();
	await expect(links.getByRole('row', { name: /sales@adatum\.example/ })).toBeVisible();
	await expect(
		links.getByRole('button', { name: /^Revoke the link sent to partners@adatum\.example on / })
	).toBeVisible();
	await expectSynced(page);

	// Recorded with the link: another device of the org shows it too.
	await page.reload();
	await expect(links.getByRole('row', { name: /partners@adatum\.example/ })).toBeVisible();
});

test('a reseller sees its provider and who ordered by name, never by id', async ({ browser }) => {
	const { page } = await signedInPage(browser, CONTOSO_ADMIN);
	await page.getByRole('link', { name: 'Customers', exact: true }).click();
	const requests = page.getByRole('table', { name: 'Relationship requests' });
	await page
		.getByRole('region', { name: 'Relationship requests' })
		.getByLabel('Show')
		.selectOption('all');
	await expect(
		requests.getByRole('row', { name: /You and Northwind Distribution/ }).first()
	).toBeVisible();
	await expect(page.getByText(/Organization northwind/)).toHaveCount(0);

	// The provider ordered for Wingtip Toys: this reseller cannot see the provider's users, so the
	// order names the provider and says the person is one of its users.
	await page.getByRole('link', { name: 'Wingtip Toys', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Wingtip Toys' })).toBeVisible();
	const orders = page.getByRole('region', { name: 'Orders' }).getByRole('table');
	await expect(
		orders.getByRole('cell', { name: /a user of Northwind Distribution/ })
	).toBeVisible();
	await expect(page.getByText('northwind-admin')).toHaveCount(0);
});

test('an organization this device does not know is named in words, in English and Japanese', async ({
	browser
}) => {
	// Fabrikam has only sent Adatum a link: nothing on its devices names Adatum.
	const { page } = await signedInPage(browser, FABRIKAM_ADMIN);
	await page.goto('/partnerships/fabrikam/adatum');
	const english = 'Fabrikam Distribution and an organization not known on this device';
	await expect(page.getByRole('heading', { level: 1, name: english })).toBeVisible();
	await expect(page).toHaveTitle(`${english} - tiertwo`);
	await expect(page.getByText('adatum', { exact: false })).toHaveCount(0);

	await page.getByLabel('Language').selectOption('ja');
	const japanese = 'Fabrikam Distribution と このデバイスでは不明な組織';
	await expect(page.getByRole('heading', { level: 1, name: japanese })).toBeVisible();
	await expect(page).toHaveTitle(`${japanese} - tiertwo`);
});
