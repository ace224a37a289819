// Presence across orgs: a reseller and its provider on the same customer record see each other
// (name and org, from the server's stamp) within two seconds, and see them go when they leave.
import { expectNoAxeViolations } from './axe';
import { expect, signIn, test } from './fixtures';

const RESELLER = { email: 'admin@contoso.example', password: 'tiertwo-demo' };
const PROVIDER = { email: 'admin@northwind.example', password: 'tiertwo-demo' };
const RECORD = '/customers/alpineskihouse';

test('people on the same customer record see each other arrive and leave, across orgs', async ({
	browser,
	page
}) => {
	await signIn(page, RESELLER);
	const providerContext = await browser.newContext();
	try {
		const providerPage = await providerContext.newPage();
		await signIn(providerPage, PROVIDER);

		await page.goto(RECORD);
		await expect(page.getByRole('heading', { level: 1, name: 'Alpine Ski House' })).toBeVisible();
		const seenByReseller = page.getByRole('region', { name: 'Also here now' });
		await expect(seenByReseller).toBeHidden();

		await providerPage.goto(RECORD);
		await expect(
			providerPage.getByRole('heading', { level: 1, name: 'Alpine Ski House' })
		).toBeVisible();
		await expect(seenByReseller.getByRole('listitem')).toHaveText(
			['NA Northwind Distribution Admin, Northwind Distribution'],
			{ timeout: 5_000 }
		);
		await expect(
			providerPage.getByRole('region', { name: 'Also here now' }).getByRole('listitem')
		).toHaveText(['CA Contoso IT Services Admin, Contoso IT Services'], { timeout: 5_000 });
		await expect(page.getByRole('status').filter({ hasText: 'Others here now: 1' })).toBeAttached();
		await expectNoAxeViolations(page, 'customer record with presence');

		// Leaving the page (the app stays open) and coming back, each within two seconds.
		await providerPage.getByRole('link', { name: 'Dashboard', exact: true }).click();
		await expect(seenByReseller).toBeHidden({ timeout: 2_000 });
		await providerPage.goBack();
		await expect(seenByReseller.getByRole('listitem')).toHaveCount(1, { timeout: 2_000 });

		// Closing the app entirely.
		await providerContext.close();
		await expect(seenByReseller).toBeHidden({ timeout: 2_000 });
	} finally {
		await providerContext.close().catch(() => undefined);
	}
});

test('a partnership page, opened from either side, shows its status, history and who is on it', async ({
	browser,
	page
}) => {
	await signIn(page, RESELLER);
	const providerContext = await browser.newContext();
	try {
		const providerPage = await providerContext.newPage();
		await signIn(providerPage, PROVIDER);
		const title = 'Northwind Distribution and Contoso IT Services';

		await page.goto('/indirect-providers');
		await page.getByRole('link', { name: 'Northwind Distribution', exact: true }).click();
		await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
		const status = page.getByRole('region', { name: 'Status' });
		await expect(status.getByRole('definition').first()).toHaveText('Authorized');
		await expect(
			page
				.getByRole('region', { name: 'History' })
				.getByRole('listitem')
				.filter({
					hasText: /^Authorized: /
				})
		).toHaveCount(1);

		await providerPage.goto('/indirect-resellers');
		await providerPage.getByRole('link', { name: 'Contoso IT Services', exact: true }).click();
		await expect(providerPage.getByRole('heading', { level: 1, name: title })).toBeVisible();
		await expect(
			page.getByRole('region', { name: 'Also here now' }).getByRole('listitem')
		).toHaveText(['NA Northwind Distribution Admin, Northwind Distribution'], { timeout: 5_000 });
		await expect(
			providerPage.getByRole('region', { name: 'Also here now' }).getByRole('listitem')
		).toHaveText(['CA Contoso IT Services Admin, Contoso IT Services'], { timeout: 2_000 });
		await expectNoAxeViolations(page, 'partnership page with presence');

		await providerPage.getByRole('link', { name: 'Back to your partners' }).click();
		await expect(
			providerPage.getByRole('heading', { level: 1, name: 'Indirect resellers' })
		).toBeVisible();
		await expect(page.getByRole('region', { name: 'Also here now' })).toBeHidden({
			timeout: 2_000
		});
	} finally {
		await providerContext.close();
	}
});

test('on a partnership page the one who arrives second also sees the one already there', async ({
	browser,
	page
}) => {
	await signIn(page, RESELLER);
	const providerContext = await browser.newContext();
	try {
		const providerPage = await providerContext.newPage();
		await signIn(providerPage, PROVIDER);
		await page.goto('/partnerships/northwind/contoso');
		await providerPage.goto('/partnerships/northwind/contoso');
		await expect(
			providerPage.getByRole('region', { name: 'Also here now' }).getByRole('listitem')
		).toHaveText(['CA Contoso IT Services Admin, Contoso IT Services'], { timeout: 5_000 });
	} finally {
		await providerContext.close();
	}
});
