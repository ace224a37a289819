// Accessibility: axe finds no WCAG 2 A/AA or 2.1 AA violations on any page of the shell.
import { expectNoAxeViolations as expectNoViolations } from './axe';
import { ROUTES, expect, test } from './fixtures';

for (const language of ['en', 'ja'] as const) {
	test.describe(`in ${language}`, () => {
		test.beforeEach(async ({ page }) => {
			await page.addInitScript((chosen) => {
				localStorage.setItem('PARAGLIDE_LOCALE', chosen);
			}, language);
		});

		test('the sign-in page has no violations, also when showing an error', async ({ page }) => {
			await page.goto('/sign-in');
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
			await expectNoViolations(page, '/sign-in');
			await page.locator('#sign-in-email').fill('someone@contoso.example');
			await page.locator('#sign-in-password').fill('wrong password');
			await page.locator('button[type="submit"]').click();
			await expect(page.getByRole('alert')).toBeVisible();
			await expectNoViolations(page, '/sign-in with an error');
		});

		test.describe('signed in', () => {
			test.use({ storageState: async ({ signedInState }, use) => use(await signedInState()) });

			test('every page of the shell has no violations', async ({ page }) => {
				for (const route of ROUTES) {
					await page.goto(route);
					await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
					await expect(page.getByRole('status').first()).toBeVisible();
					await expectNoViolations(page, route);
				}
			});

			test('the open user menu and the phone drawer have no violations', async ({ page }) => {
				await page.goto('/settings');
				await page.getByRole('button', { name: /^(Account|アカウント):/ }).click();
				await expectNoViolations(page, 'user menu open');
				await page.keyboard.press('Escape');
				await page.setViewportSize({ width: 360, height: 740 });
				await page.getByRole('button', { name: /^(Menu|メニュー)$/ }).click();
				await expect(page.getByRole('navigation').getByRole('link').first()).toBeVisible();
				await expectNoViolations(page, 'phone drawer open');
			});
		});
	});
}
