// Provider and reseller connect, end to end against the real server (a fresh demo workspace per
// test): invitation link, authorization, live lists on both sides, admin access removed, partnership
// ended; offline authorization; a withdrawal and an authorization made offline at the same time;
// link security pages; accessibility and the keyboard journey; roles without the controls.
import type { Page } from '@playwright/test';
import { createHash, randomBytes } from 'node:crypto';
import { formatHlc } from '../../src/lib/domain/clock';
import { expectNoAxeViolations } from './axe';
import { expectSynced, freshServerPerTest } from './fresh-server';
import { networkSwitch } from './network-switch';
import { expect, expectCaughtUp, test } from './fixtures';
import { appendWithStockClient } from './stock-writer';

const PASSWORD = 'tiertwo-demo';
const account = (email: string) => ({ email, password: PASSWORD });
const NORTHWIND_ADMIN = account('admin@northwind.example');
const FABRIKAM_ADMIN = account('admin@fabrikam.example');
const ADATUM_ADMIN = account('admin@adatum.example');
const CONTOSO_SALES = account('sales@contoso.example');
const NORTHWIND_HELPDESK = account('helpdesk@northwind.example');
const WINGTIP_ADMIN = account('admin@wingtip.example');

const { url, newContext, signedInPage } = freshServerPerTest();

/** Request a partnership on Indirect resellers; returns the personalized link from the draft. */
async function createInvitationLink(page: Page): Promise<string> {
	await page.getByRole('link', { name: 'Indirect resellers', exact: true }).click();
	await page.getByRole('button', { name: 'Request a partnership' }).click();
	const dialog = page.getByRole('dialog', { name: 'Invitation email' });
	await expect(dialog).toBeVisible();
	const link = await dialog.getByLabel('Personalized link', { exact: true }).inputValue();
	expect(link).toMatch(new RegExp(`^${url()}/invitation#[A-Za-z0-9_-]{43}$`));
	await dialog.getByRole('button', { name: 'Done' }).click();
	await expect(dialog).toBeHidden();
	await expectSynced(page);
	return link;
}

const resellerRow = (page: Page, name: RegExp) =>
	page.getByRole('table', { name: 'Your indirect resellers' }).getByRole('row', { name });
const providerRow = (page: Page, name: RegExp) =>
	page.getByRole('table', { name: 'Your indirect providers' }).getByRole('row', { name });

/** Redeems a link over the API as the signed-in user of `page` (the reseller's device). */
async function redeemThroughApi(page: Page, link: string): Promise<void> {
	const token = new URL(link).hash.slice(1);
	const response = await page.request.post('/api/invitations/redeem', {
		data: { token },
		headers: { origin: url() }
	});
	expect(response.status(), await response.text()).toBe(200);
}

async function authorizeFromInvitationPage(page: Page, providerName: string): Promise<void> {
	await expect(
		page.getByRole('heading', {
			level: 1,
			name: `${providerName} invites you to authorize it as your indirect provider`
		})
	).toBeVisible();
	await page.getByRole('checkbox', { name: /I understand what authorizing/ }).check();
	await page.getByRole('button', { name: 'Authorize indirect provider' }).click();
	await expect(page.getByText(`Done: ${providerName} is now your indirect provider.`)).toBeVisible({
		timeout: 20_000
	});
}

test('a provider invites a reseller, the reseller authorizes it, and both lists follow live', async ({
	browser
}) => {
	const { page: northwind } = await signedInPage(browser, NORTHWIND_ADMIN);
	await northwind.getByRole('link', { name: 'Indirect resellers', exact: true }).click();
	await expect(resellerRow(northwind, /Contoso IT Services/)).toContainText('Authorized');

	// The draft email: the link is copied to the clipboard and can be shown as a QR code.
	await northwind.getByRole('button', { name: 'Request a partnership' }).click();
	const dialog = northwind.getByRole('dialog', { name: 'Invitation email' });
	await expect(dialog.getByText(/This link is shown only now/)).toBeVisible();
	// The link is said to work only once the server has the invitation.
	await expect(
		dialog.getByRole('status').filter({ hasText: 'The server recorded the invitation' })
	).toBeVisible();
	const link = await dialog.getByLabel('Personalized link', { exact: true }).inputValue();
	await dialog.getByRole('button', { name: 'Copy link' }).click();
	await expect(dialog.getByRole('status').filter({ hasText: 'Link copied.' })).toBeVisible();
	expect(await northwind.evaluate(() => navigator.clipboard.readText())).toBe(link);
	await expect(dialog.getByRole('link', { name: 'Open in email app' })).toHaveAttribute(
		'href',
		new RegExp(`^mailto:\\?subject=.+&body=.*${encodeURIComponent(link)}`)
	);
	await dialog.getByRole('button', { name: 'Show QR code' }).click();
	await expect(
		dialog.getByRole('img', { name: 'QR code of the personalized invitation link' })
	).toBeVisible();
	await dialog.getByRole('button', { name: 'Done' }).click();
	const links = northwind.getByRole('table', { name: 'Invitation links' });
	await expect(links.getByRole('row').filter({ hasText: 'Pending' })).toHaveCount(1);
	await expectSynced(northwind);

	// Adatum opens the link signed out, signs in, and comes back to it.
	const adatumContext = await newContext(browser);
	const adatum = await adatumContext.newPage();
	await adatum.goto(link);
	await expect(
		adatum.getByRole('heading', {
			name: 'Northwind Distribution invites you to authorize it as your indirect provider'
		})
	).toBeVisible();
	expect(new URL(adatum.url()).hash).toBe('');
	await adatum.getByRole('link', { name: 'Sign in' }).click();
	await adatum.getByLabel('Email').fill(ADATUM_ADMIN.email);
	await adatum.getByLabel('Password').fill(ADATUM_ADMIN.password);
	await adatum.getByRole('button', { name: 'Sign in' }).click();
	await expect(adatum).toHaveURL(/\/invitation$/);
	// Another tab of Adatum's shows the Indirect providers page meanwhile.
	const adatumList = await adatumContext.newPage();
	await adatumList.goto('/indirect-providers');
	await expect(
		adatumList.getByText("You haven't authorized an indirect provider yet.")
	).toBeVisible();

	await authorizeFromInvitationPage(adatum, 'Northwind Distribution');

	// Both sides see each other without a reload.
	await expect(providerRow(adatumList, /Northwind Distribution/)).toContainText('Authorized');
	await expect(resellerRow(northwind, /Adatum Solutions/)).toContainText('Authorized', {
		timeout: 5_000
	});
	// The link is used now (as is the one Contoso used in the demo workspace): pending links are
	// listed by default, used ones a choice away.
	await expect(northwind.getByText('No link is pending.')).toBeVisible();
	await northwind.getByLabel('Show', { exact: true }).selectOption('all');
	await expect(links.getByRole('row').filter({ hasText: 'Pending' })).toHaveCount(0);
	await expect(links.getByRole('row').filter({ hasText: 'Used' })).toHaveCount(2);

	// Adatum removes Northwind's admin access: the partnership stays, the access goes.
	await adatum.getByRole('link', { name: 'Go to Indirect providers' }).click();
	await providerRow(adatum, /Northwind Distribution/)
		.getByRole('button', { name: "Remove Northwind Distribution's admin access" })
		.click();
	await adatum
		.getByRole('dialog', { name: "Remove Northwind Distribution's admin access?" })
		.getByRole('button', { name: 'Remove admin access' })
		.click();
	await expect(providerRow(adatum, /Northwind Distribution/)).toContainText(
		'Authorized, admin access removed'
	);
	await expect(resellerRow(northwind, /Adatum/)).toContainText('Authorized, admin access removed', {
		timeout: 5_000
	});
	await expect
		.poll(async () => {
			const response = await northwind.request.get('/api/auth/documents');
			const body = (await response.json()) as { documents: Array<{ name: string }> };
			return body.documents.map((doc) => doc.name);
		})
		.not.toContain('org/adatum');

	// Adatum ends the partnership; Northwind sees it ended.
	await providerRow(adatum, /Northwind Distribution/)
		.getByRole('button', { name: 'End the partnership with Northwind Distribution' })
		.click();
	await adatum
		.getByRole('dialog', { name: 'End the partnership with Northwind Distribution?' })
		.getByRole('button', { name: 'End partnership' })
		.click();
	await expect(providerRow(adatum, /Northwind Distribution/)).toContainText('Ended');
	await expect(resellerRow(northwind, /Adatum/)).toContainText('Ended', { timeout: 5_000 });
});

test('a reseller authorizes while offline; the provider sees it once the reseller reconnects', async ({
	browser
}) => {
	const { page: fabrikam } = await signedInPage(browser, FABRIKAM_ADMIN);
	const link = await createInvitationLink(fabrikam);
	const { context: adatumContext, page: adatum } = await signedInPage(browser, ADATUM_ADMIN);
	const network = await networkSwitch(adatumContext);
	await redeemThroughApi(adatum, link);

	await adatum.goto('/indirect-providers');
	const row = providerRow(adatum, /Fabrikam Distribution/);
	await expect(row).toContainText('Waiting for authorization');
	await expect(resellerRow(fabrikam, /adatum/i)).toContainText('Waiting for authorization');
	// The partnership's document itself, not only its row, is on the device before it goes offline.
	await expectCaughtUp(adatum);

	await network.offline();
	await row.getByRole('button', { name: 'Authorize Fabrikam Distribution' }).click();
	const dialog = adatum.getByRole('dialog', { name: 'Authorize indirect provider' });
	await dialog.getByRole('checkbox').check();
	await dialog.getByRole('button', { name: 'Authorize indirect provider' }).click();
	await expect(row).toContainText('Authorized');
	await expect(row).toContainText('Waiting to sync');
	// The provider only learns of it through the server, which has not heard of it.
	await expect(resellerRow(fabrikam, /adatum/i)).toContainText('Waiting for authorization');

	await network.online();
	await expect(row).not.toContainText('Waiting to sync', { timeout: 30_000 });
	await expect(resellerRow(fabrikam, /Adatum Solutions/)).toContainText('Authorized', {
		timeout: 10_000
	});
});

test('a withdrawal and an authorization made offline at the same time end in one outcome on both sides', async ({
	browser
}) => {
	const { context: fabrikamContext, page: fabrikam } = await signedInPage(browser, FABRIKAM_ADMIN);
	const link = await createInvitationLink(fabrikam);
	const { context: adatumContext, page: adatum } = await signedInPage(browser, ADATUM_ADMIN);
	const providerNetwork = await networkSwitch(fabrikamContext);
	const resellerNetwork = await networkSwitch(adatumContext);
	await redeemThroughApi(adatum, link);
	await adatum.goto('/indirect-providers');
	const onReseller = providerRow(adatum, /Fabrikam Distribution/);
	const onProvider = resellerRow(fabrikam, /adatum/i);
	await expect(onReseller).toContainText('Waiting for authorization');
	await expect(onProvider).toContainText('Waiting for authorization');
	// The partnership's document itself, not only its rows, is on both devices.
	await expectCaughtUp(adatum);
	await expectCaughtUp(fabrikam);

	await providerNetwork.offline();
	await resellerNetwork.offline();
	await onProvider.getByRole('button', { name: /Withdraw the invitation to/ }).click();
	await fabrikam
		.getByRole('dialog', { name: /Withdraw the invitation to/ })
		.getByRole('button', { name: 'Withdraw invitation' })
		.click();
	await expect(onProvider).toContainText('Invitation withdrawn');
	await onReseller.getByRole('button', { name: 'Authorize Fabrikam Distribution' }).click();
	const dialog = adatum.getByRole('dialog', { name: 'Authorize indirect provider' });
	await dialog.getByRole('checkbox').check();
	await dialog.getByRole('button', { name: 'Authorize indirect provider' }).click();
	await expect(onReseller).toContainText('Authorized');

	// The reseller's change reaches the server first, then the provider's.
	await resellerNetwork.online();
	await expect(onReseller).not.toContainText('Waiting to sync', { timeout: 30_000 });
	await providerNetwork.online();
	await expectSynced(fabrikam);

	const outcome = async () => {
		const provider = (await onProvider.getByRole('cell').nth(2).textContent())?.trim() ?? '';
		const reseller = (await onReseller.getByRole('cell').nth(0).textContent())?.trim() ?? '';
		return { provider, reseller };
	};
	await expect
		.poll(
			async () => {
				const { provider, reseller } = await outcome();
				return provider === reseller ? provider : `${provider} / ${reseller}`;
			},
			{ timeout: 30_000 }
		)
		.toMatch(/^(Authorized|Invitation withdrawn)$/);
	const { provider: final } = await outcome();
	const lost =
		final === 'Authorized'
			? 'Withdraw an invitation to an indirect reseller'
			: 'Authorize indirect provider';
	// Who won: the change that reached the server first, by whom and when.
	const won =
		final === 'Authorized'
			? /Adatum.* got there first: “Authorize indirect provider” at .+, before this change reached the server\./i
			: /Fabrikam.* got there first: “Withdraw an invitation to an indirect reseller” at .+, before this change reached the server\./i;
	for (const page of [fabrikam, adatum]) {
		const superseded = page.getByRole('region', { name: "Changes that didn't apply" });
		await expect(superseded.getByRole('listitem').filter({ hasText: lost })).toHaveCount(1);
		await expect(superseded.getByRole('listitem').filter({ hasText: lost })).toContainText(won);
	}
});

/** Writes an invitation link straight into an org's log as its admin (e.g. one already expired). */
async function writeInvitationAs(
	who: { email: string; password: string },
	orgId: string,
	expiresAt: number
): Promise<string> {
	const token = randomBytes(32).toString('base64url');
	await appendWithStockClient(url(), who, `invitations/${orgId}`, [
		{
			id: crypto.randomUUID(),
			type: 'invitation.created',
			at: formatHlc({ wall: Date.now() - 60_000, counter: 0, node: 'e2e-admin' }),
			by: { userId: `${orgId}-admin`, orgId },
			payload: {
				invitationId: randomBytes(16).toString('hex'),
				kind: 'reseller',
				tokenHash: createHash('sha256').update(token).digest('hex'),
				expiresAt
			}
		}
	]);
	return `${url()}/invitation#${token}`;
}

const unusable = (page: Page) =>
	page.getByRole('heading', { level: 1, name: "This invitation link can't be used" });

test('expired, revoked, reused and guessed links are refused with a clear page', async ({
	browser
}) => {
	const guest = await (await newContext(browser)).newPage();

	// Served with no-referrer (header and meta), so nothing of the page leaks in a Referer.
	const response = await guest.goto(`/invitation#${randomBytes(32).toString('base64url')}`);
	expect(response?.headers()['referrer-policy']).toBe('no-referrer');
	await expect(unusable(guest)).toBeVisible();
	await expect(guest.locator('meta[name="referrer"]')).toHaveAttribute('content', 'no-referrer');
	await expect(guest.getByRole('alert')).toContainText('not found');
	await expect(guest.getByRole('alert')).toContainText('synced');

	const expired = await writeInvitationAs(FABRIKAM_ADMIN, 'fabrikam', Date.now() - 1_000);
	await guest.goto(expired);
	await expect(unusable(guest)).toBeVisible();
	await expect(guest.getByRole('alert')).toContainText('expired');

	const { page: fabrikam } = await signedInPage(browser, FABRIKAM_ADMIN);
	const revoked = await createInvitationLink(fabrikam);
	const links = fabrikam.getByRole('table', { name: 'Invitation links' });
	// Revoked links too (pending ones are listed by default).
	await fabrikam.getByLabel('Show', { exact: true }).selectOption('all');
	// Newest first: the link just made (Fabrikam also has an older one pending in the demo).
	await links
		.getByRole('row')
		.filter({ hasText: 'Pending' })
		.first()
		.getByRole('button', { name: /^Revoke the link created/ })
		.click();
	await fabrikam
		.getByRole('dialog', { name: 'Revoke this invitation link?' })
		.getByRole('button', { name: 'Revoke' })
		.click();
	await expect(links.getByRole('row').filter({ hasText: 'Revoked' })).toHaveCount(1);
	// The page says what the server decided on the revocation, not only that the device has it.
	await expect(
		fabrikam
			.getByRole('main')
			.getByRole('status')
			.filter({ hasText: 'Done: the server accepted this change.' })
	).toBeVisible();
	await expectSynced(fabrikam);
	await guest.goto(revoked);
	await expect(unusable(guest)).toBeVisible();
	await expect(guest.getByRole('alert')).toContainText('revoked');

	// Issue a new link in place of the demo's older pending one: that one stops working.
	await links
		.getByRole('row')
		.filter({ hasText: 'Pending' })
		.getByRole('button', { name: /^Issue a new link to replace/ })
		.click();
	const draft = fabrikam.getByRole('dialog', { name: 'Invitation email' });
	const once = await draft.getByLabel('Personalized link', { exact: true }).inputValue();
	expect(once).not.toBe(revoked);
	await draft.getByRole('button', { name: 'Done' }).click();
	await expect(links.getByRole('row').filter({ hasText: 'Revoked' })).toHaveCount(2);
	await expect(links.getByRole('row').filter({ hasText: 'Pending' })).toHaveCount(1);
	await expectSynced(fabrikam);
	const { page: adatum } = await signedInPage(browser, ADATUM_ADMIN);
	await adatum.goto(once);
	await authorizeFromInvitationPage(adatum, 'Fabrikam Distribution');
	await adatum.goto(once);
	await expect(unusable(adatum)).toBeVisible();
	await expect(adatum.getByRole('alert')).toContainText(/used/);
});

test('a provider or a customer admin cannot accept a reseller invitation', async ({ browser }) => {
	const { page: fabrikam } = await signedInPage(browser, FABRIKAM_ADMIN);
	const link = await createInvitationLink(fabrikam);
	for (const who of [NORTHWIND_ADMIN, WINGTIP_ADMIN]) {
		const { page } = await signedInPage(browser, who);
		await page.goto(link);
		await expect(page.getByRole('alert')).toContainText("which isn't an indirect reseller");
		await expect(page.getByRole('button', { name: 'Authorize indirect provider' })).toHaveCount(0);
	}
});

test('the connect pages have no axe violations and the journey works by keyboard', async ({
	browser
}) => {
	const { page: northwind } = await signedInPage(browser, NORTHWIND_ADMIN);
	await northwind.goto('/indirect-resellers');
	await expect(resellerRow(northwind, /Contoso IT Services/)).toBeVisible();
	await expectNoAxeViolations(northwind, 'Indirect resellers');

	// Request a partnership by keyboard: focus the button, Enter, then read the draft.
	const request = northwind.getByRole('button', { name: 'Request a partnership' });
	await request.focus();
	await northwind.keyboard.press('Enter');
	const dialog = northwind.getByRole('dialog', { name: 'Invitation email' });
	await expect(dialog).toBeVisible();
	await expectNoAxeViolations(northwind, 'Invitation email dialog');
	const link = await dialog.getByLabel('Personalized link', { exact: true }).inputValue();
	await northwind.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expectSynced(northwind);

	const guest = await (await newContext(browser)).newPage();
	await guest.goto(link);
	await expect(guest.getByRole('link', { name: 'Sign in' })).toBeVisible();
	await expectNoAxeViolations(guest, 'Invitation page, signed out');

	const { page: adatum } = await signedInPage(browser, ADATUM_ADMIN);
	await adatum.goto(link);
	const checkbox = adatum.getByRole('checkbox', { name: /I understand what authorizing/ });
	await expect(checkbox).toBeVisible();
	await expectNoAxeViolations(adatum, 'Invitation page, signed in');
	// Tab from the top of the page to the checkbox, Space ticks it, Tab and Enter authorize.
	await adatum.locator('body').focus();
	for (let presses = 0; presses < 10; presses += 1) {
		if (await checkbox.evaluate((element) => element === document.activeElement)) break;
		await adatum.keyboard.press('Tab');
	}
	await expect(checkbox).toBeFocused();
	await adatum.keyboard.press('Space');
	await expect(checkbox).toBeChecked();
	await adatum.keyboard.press('Tab');
	await expect(adatum.getByRole('button', { name: 'Authorize indirect provider' })).toBeFocused();
	await adatum.keyboard.press('Enter');
	await expect(
		adatum.getByText('Done: Northwind Distribution is now your indirect provider.')
	).toBeVisible({ timeout: 20_000 });

	await adatum.getByRole('link', { name: 'Go to Indirect providers' }).click();
	await expect(providerRow(adatum, /Northwind Distribution/)).toContainText('Authorized');
	await expectNoAxeViolations(adatum, 'Indirect providers');

	await adatum.getByRole('link', { name: 'Find a provider' }).click();
	await expect(adatum.getByRole('heading', { level: 1, name: 'Find a provider' })).toBeVisible();
	await adatum.getByLabel('Financing and credit terms').check();
	await expect(adatum.getByText('Providers found: 1')).toBeVisible();
	await adatum.getByLabel('Financing and credit terms').uncheck();
	await adatum.getByRole('checkbox', { name: 'Compare Northwind Distribution' }).check();
	await adatum.getByRole('checkbox', { name: 'Compare Fabrikam Distribution' }).check();
	const comparison = adatum.getByRole('table', { name: 'Comparison' });
	await expect(comparison.getByRole('columnheader')).toHaveText([
		'Northwind Distribution',
		'Fabrikam Distribution'
	]);
	await expect(comparison.getByRole('row', { name: /Financing and credit terms/ })).toContainText(
		'No'
	);
	await expect(adatum.getByRole('link', { name: 'Contact Fabrikam Distribution' })).toHaveAttribute(
		'href',
		/^mailto:partners@fabrikam\.example\?/
	);
	await expectNoAxeViolations(adatum, 'Find a provider');

	// Northwind ends it from its side (Indirect resellers), by keyboard: the question says what
	// ending means for a provider, and Adatum's open list follows.
	await adatum.getByRole('navigation').getByRole('link', { name: 'Indirect providers' }).click();
	await expect(providerRow(adatum, /Northwind Distribution/)).toContainText('Authorized');
	const end = resellerRow(northwind, /Adatum/).getByRole('button', {
		name: /^End the partnership with Adatum/
	});
	await end.focus();
	await northwind.keyboard.press('Enter');
	const question = northwind.getByRole('dialog', { name: /^End the partnership with Adatum/ });
	await expect(question).toContainText(
		"You will no longer be Adatum Solutions's indirect provider"
	);
	await expectNoAxeViolations(northwind, 'End partnership question');
	await question.getByRole('button', { name: 'End partnership' }).click();
	await expect(resellerRow(northwind, /Adatum/)).toContainText('Ended');
	await expect(providerRow(adatum, /Northwind Distribution/)).toContainText('Ended', {
		timeout: 5_000
	});
});

test('roles without the capability see no invite or partnership controls', async ({ browser }) => {
	const { page: sales } = await signedInPage(browser, CONTOSO_SALES);
	await sales.goto('/indirect-providers');
	const row = providerRow(sales, /Northwind Distribution/);
	await expect(row).toContainText('Authorized');
	await expect(
		sales.getByRole('button', { name: /Authorize|admin access|End the partnership/ })
	).toHaveCount(0);
	await sales.goto('/indirect-resellers');
	await expect(sales.getByRole('button', { name: 'Request a partnership' })).toHaveCount(0);

	// A Helpdesk agent works on customers, not partners: the page explains instead of showing.
	const { page: helpdesk } = await signedInPage(browser, NORTHWIND_HELPDESK);
	await helpdesk.goto('/indirect-resellers');
	await expect(
		helpdesk.getByRole('heading', { name: "Your roles don't include this page" })
	).toBeVisible();
	await expect(helpdesk.getByRole('button', { name: 'Request a partnership' })).toHaveCount(0);
	await expect(helpdesk.getByRole('button', { name: /End the partnership/ })).toHaveCount(0);
});

test('an indirect provider with many used links sees its pending ones, the rest a choice away and 50 rows at a time, in English and Japanese', async ({
	browser
}) => {
	// Fabrikam has one pending link in the demo workspace; 120 expired ones are written as its admin.
	const expiredAt = Date.now() - 1_000;
	await appendWithStockClient(
		url(),
		FABRIKAM_ADMIN,
		'invitations/fabrikam',
		Array.from({ length: 120 }, (_, index) => ({
			id: crypto.randomUUID(),
			type: 'invitation.created',
			at: formatHlc({ wall: Date.now() - 60_000, counter: index, node: 'e2e-admin' }),
			by: { userId: 'fabrikam-admin', orgId: 'fabrikam' },
			payload: {
				invitationId: randomBytes(16).toString('hex'),
				kind: 'reseller',
				tokenHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
				expiresAt: expiredAt
			}
		}))
	);
	const { page } = await signedInPage(browser, FABRIKAM_ADMIN);
	await page.goto('/indirect-resellers');
	const links = page.getByRole('table', { name: 'Invitation links' });
	const show = page.getByLabel('Show', { exact: true });
	await expect(show.getByRole('option', { name: 'All links (121)' })).toBeAttached();
	await expect(show).toHaveValue('pending');
	await expect(links.getByRole('row')).toHaveCount(2); // the header and the pending link
	await expect(links.getByRole('row').nth(1)).toContainText('Pending');

	await show.selectOption('all');
	await expect(links.getByRole('row')).toHaveCount(51);
	await page.getByRole('button', { name: 'Show 50 more (71 not shown)' }).click();
	await expect(links.getByRole('row')).toHaveCount(101);
	await page.getByRole('button', { name: 'Show 21 more (21 not shown)' }).click();
	await expect(links.getByRole('row')).toHaveCount(122);
	await expect(page.getByRole('button', { name: /^Show \d+ more/ })).toHaveCount(0);
	await expectNoAxeViolations(page, 'Indirect resellers with many links');

	await page.getByLabel('Language').selectOption('ja');
	const showJa = page.getByLabel('表示', { exact: true });
	await expect(showJa.getByRole('option', { name: '保留中のリンク (1)' })).toBeAttached();
	await expect(showJa.getByRole('option', { name: 'すべてのリンク (121)' })).toBeAttached();
	await showJa.selectOption('pending');
	await showJa.selectOption('all');
	await expect(page.getByRole('button', { name: 'さらに 50 件表示 (未表示 71 件)' })).toBeVisible();
});
