// Page access from one table (src/lib/ui/page-access.ts): what the menu and the Dashboard offer
// always opens, and a direct URL to anything else shows the app's refusal with the reason in words.
import type { Page } from '@playwright/test';
import { DEMO_ADMIN, expect, signIn, test } from './fixtures';

const CONTOSO_BILLING = { email: 'billing@contoso.example', password: DEMO_ADMIN.password };

const ORG_KIND_REFUSAL = "Your organization doesn't have this page";
const ROLES_REFUSAL = "Your roles don't include this page";

const refusals = (page: Page) =>
	page.getByRole('heading', {
		level: 2,
		name: new RegExp(`^(${ORG_KIND_REFUSAL}|${ROLES_REFUSAL})$`)
	});

test('a reseller is offered no Indirect resellers, and its URL, Add indirect provider and Enrollment review show the refusal', async ({
	page
}) => {
	await signIn(page, DEMO_ADMIN);
	const menu = page.getByRole('navigation', { name: 'Main menu' });
	await expect(menu.getByRole('link', { name: 'Indirect providers', exact: true })).toBeVisible();
	for (const label of ['Indirect resellers', 'Add indirect provider', 'Enrollment review']) {
		await expect(menu.getByRole('link', { name: label, exact: true })).toHaveCount(0);
	}
	await expect(page.getByRole('link', { name: 'Open Indirect resellers' })).toHaveCount(0);

	const cases = [
		{
			path: '/indirect-resellers',
			title: 'Indirect resellers',
			kinds: 'Indirect provider',
			instead: "See Indirect providers for your organization's side of this work"
		},
		{ path: '/add-indirect-provider', title: 'Add indirect provider', kinds: 'Program operator' },
		{ path: '/enrollment-review', title: 'Enrollment review', kinds: 'Program operator' }
	];
	for (const { path, title, kinds, instead } of cases) {
		await page.goto(path);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
		await expect(page.getByRole('heading', { level: 2, name: ORG_KIND_REFUSAL })).toBeVisible();
		await expect(
			page.getByText(
				`${title} is for these kinds of organization only: ${kinds}. Yours is: Indirect reseller.`
			)
		).toBeVisible();
		if (instead) await expect(page.getByRole('link', { name: instead })).toBeVisible();
		// Nothing of the page itself renders (no list, filter or form).
		const main = page.getByRole('main');
		await expect(main.getByRole('button')).toHaveCount(0);
		await expect(main.getByRole('textbox')).toHaveCount(0);
		await expect(main.getByRole('combobox')).toHaveCount(0);
		await expect(main.getByRole('table')).toHaveCount(0);
	}
});

test("a Billing admin's Dashboard links only to pages the Billing admin can open", async ({
	page
}) => {
	await signIn(page, CONTOSO_BILLING);
	const links = page.getByRole('main').getByRole('link', { name: /^Open / });
	await expect(links.first()).toBeVisible();
	const targets = await links.evaluateAll((anchors) =>
		anchors.map((a) => ({ href: a.getAttribute('href') ?? '', name: a.textContent?.trim() ?? '' }))
	);
	expect(targets.length).toBeGreaterThan(0);
	for (const { href, name } of targets) {
		await page.goto('/');
		await page.getByRole('main').getByRole('link', { name, exact: true }).click();
		await expect(page).toHaveURL(href);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(name.replace(/^Open /, ''));
		await expect(refusals(page)).toHaveCount(0);
		// …and the menu offers it too: one table for both.
		await expect(
			page
				.getByRole('navigation', { name: 'Main menu' })
				.getByRole('link', { name: name.replace(/^Open /, ''), exact: true })
		).toBeVisible();
	}
	// What a Billing admin's roles don't open is neither linked nor shown.
	for (const path of ['/customers', '/indirect-providers', '/indirect-resellers']) {
		await page.goto(path);
		await expect(refusals(page)).toHaveCount(1);
	}
});

test('the refusal speaks Japanese', async ({ page }) => {
	await signIn(page, DEMO_ADMIN);
	await page.evaluate(() => localStorage.setItem('PARAGLIDE_LOCALE', 'ja'));
	await page.goto('/indirect-resellers');
	await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('間接リセラー');
	await expect(
		page.getByRole('heading', { level: 2, name: 'あなたの組織にはこのページはありません' })
	).toBeVisible();
	await expect(
		page.getByText(
			'間接リセラー は次の種類の組織だけのページです: 間接プロバイダー。あなたの組織: 間接リセラー。'
		)
	).toBeVisible();
	await expect(
		page.getByRole('link', { name: 'あなたの組織側の作業は 間接プロバイダー で行います' })
	).toBeVisible();
});
