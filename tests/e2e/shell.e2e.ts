// The signed-in shell: the Dashboard menu, every route, sign-in and sign-out, in English and Japanese.
import { DEMO_ADMIN, MENU, ROUTES, expect, signInThroughForm, test } from './fixtures';

const LANGUAGES = ['en', 'ja'] as const;

test.describe('signed in', () => {
	test.use({ storageState: async ({ signedInState }, use) => use(await signedInState()) });

	for (const language of LANGUAGES) {
		test(`every route loads with its heading and the full menu, in ${language}`, async ({
			page
		}) => {
			await page.addInitScript((chosen) => {
				localStorage.setItem('PARAGLIDE_LOCALE', chosen);
			}, language);
			const labels = MENU[language];
			for (const route of ROUTES) {
				await page.goto(route);
				await expect(page.getByRole('heading', { level: 1 })).toHaveText(labels[route]);
				await expect(page.locator('html')).toHaveAttribute('lang', language);
				const menu = page.getByRole('navigation');
				for (const item of ROUTES) {
					await expect(menu.getByRole('link', { name: labels[item], exact: true })).toBeVisible();
				}
				await expect(menu.getByRole('link', { name: labels[route], exact: true })).toHaveAttribute(
					'aria-current',
					'page'
				);
			}
		});
	}

	test('the menu navigates between pages without reloading the app', async ({ page }) => {
		await page.goto('/');
		await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
		const menu = page.getByRole('navigation');
		for (const route of ROUTES) {
			await menu.getByRole('link', { name: MENU.en[route], exact: true }).click();
			await expect(page).toHaveURL(route);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(MENU.en[route]);
		}
		expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
	});

	test('switching language re-renders in place, sets <html lang> and survives a reload', async ({
		page
	}) => {
		await page.goto('/customers');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Customers');
		await page.getByLabel('Language').selectOption('ja');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('顧客');
		await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
		await expect(page.getByRole('link', { name: 'ユーザー管理', exact: true })).toBeVisible();
		await page.reload();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('顧客');
		await page.getByLabel('言語').selectOption('en');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Customers');
	});

	test('the connection indicator reports the server as reachable', async ({ page }) => {
		await page.goto('/');
		await expect(page.getByRole('status').filter({ hasText: 'Connection' })).toContainText(
			'Online'
		);
	});

	test('Settings shows the language, storage persistence, the storage estimate and the version', async ({
		page
	}) => {
		await page.goto('/settings');
		await expect(page.getByRole('heading', { name: 'Language' })).toBeVisible();
		await expect(page.getByTestId('storage-persistence')).toHaveText(
			/^(Granted|Not granted|This browser does not support)/
		);
		await expect(page.getByTestId('storage-estimate')).toHaveText(/\d.* of .*\d.* available/);
		await expect(page.getByTestId('build-label')).not.toBeEmpty();
	});
});

test.describe('signing in', () => {
	test('the default language follows the browser', async ({ browser }) => {
		const context = await browser.newContext({ locale: 'ja-JP' });
		const page = await context.newPage();
		await page.goto('/sign-in');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('サインイン');
		await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
		await expect(page.getByRole('button', { name: 'サインイン' })).toBeVisible();
		await context.close();
	});

	test('a page opened without a session goes to sign in, and back after signing in', async ({
		page
	}) => {
		await page.goto('/indirect-providers');
		await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Findirect-providers$/);
		await expect(page.getByRole('navigation')).toHaveCount(0);
		await page.getByLabel('Email').fill(DEMO_ADMIN.email);
		await page.getByLabel('Password').fill(DEMO_ADMIN.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page).toHaveURL('/indirect-providers');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Indirect providers');
	});

	test('a Billing admin is offered no customers or partners, which the server does not give it', async ({
		page
	}) => {
		await signInThroughForm(page, { email: 'billing@contoso.example', password: 'tiertwo-demo' });
		await expect(page.getByTestId('dashboard-nothing')).toHaveText(
			"Your roles don't include work with customers or partners. Ask a Global admin or User management admin of your organization if you need more access."
		);
		// Only the pages every user of a reseller has (tests/e2e/page-access.e2e.ts follows them).
		await expect(page.getByRole('link', { name: /^Open / })).toHaveText([
			'Open Enrollment',
			'Open Settings'
		]);
		const menu = page.getByRole('navigation');
		await expect(menu.getByRole('link', { name: 'Settings' })).toBeVisible();
		await expect(menu.getByRole('link', { name: 'Customers' })).toHaveCount(0);
		// Reads follow roles: the documents this device may sync are its org's and the directory.
		const listed = (await (await page.request.get('/api/auth/documents')).json()) as {
			documents: { name: string }[];
		};
		expect(listed.documents.map((d) => d.name).sort()).toEqual(['directory', 'org/contoso']);
	});

	test('a wrong password is refused with a clear message', async ({ page }) => {
		await page.goto('/sign-in');
		await page.getByLabel('Email').fill(DEMO_ADMIN.email);
		await page.getByLabel('Password').fill('not-the-password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('alert')).toHaveText('The email address or password is incorrect.');
		await expect(page).toHaveURL('/sign-in');
	});

	test('Sign out in the user menu ends the session', async ({ page }) => {
		await signInThroughForm(page);
		await page.getByRole('button', { name: /^Account:/ }).click();
		await page.getByRole('button', { name: 'Sign out' }).click();
		await expect(page).toHaveURL('/sign-in');
		await page.goto('/settings');
		await expect(page).toHaveURL(/\/sign-in/);
	});
});
