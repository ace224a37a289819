// At phone size (360x740) the menu is a drawer behind the Menu button, reachable by touch and keyboard.
import { MENU, ROUTES, expect, test } from './fixtures';

test.use({
	viewport: { width: 360, height: 740 },
	storageState: async ({ signedInState }, use) => use(await signedInState())
});

test('the Menu button opens a drawer from which every item is reachable', async ({ page }) => {
	await page.goto('/');
	const menuButton = page.getByRole('button', { name: 'Menu' });
	const menu = page.getByRole('navigation');
	await expect(menuButton).toHaveAttribute('aria-expanded', 'false');
	await expect(menu.getByRole('link', { name: 'Customers' })).toBeHidden();

	for (const route of ROUTES) {
		await menuButton.click();
		await expect(menuButton).toHaveAttribute('aria-expanded', 'true');
		const link = menu.getByRole('link', { name: MENU.en[route], exact: true });
		await expect(link).toBeInViewport();
		await link.click();
		await expect(page).toHaveURL(route);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(MENU.en[route]);
		await expect(menuButton).toHaveAttribute('aria-expanded', 'false');
	}
});

test('the drawer takes focus, Escape closes it and gives focus back to Menu', async ({ page }) => {
	await page.goto('/customers');
	const menuButton = page.getByRole('button', { name: 'Menu' });
	await menuButton.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('link', { name: 'Customers', exact: true })).toBeFocused();
	await page.keyboard.press('Tab');
	await expect(page.getByRole('link', { name: 'Indirect providers', exact: true })).toBeFocused();
	// The page behind the open drawer is inert.
	await expect(page.locator('main')).toHaveAttribute('inert', '');
	await page.keyboard.press('Escape');
	await expect(menuButton).toHaveAttribute('aria-expanded', 'false');
	await expect(menuButton).toBeFocused();
	await expect(page.getByRole('link', { name: 'Customers', exact: true })).toBeHidden();
});

test('the shell fits 360 px without sideways scrolling, in both languages', async ({ page }) => {
	for (const language of ['en', 'ja']) {
		await page.goto('/settings');
		await page
			.getByLabel(/^(Language|言語)$/)
			.first()
			.selectOption(language);
		for (const route of ROUTES) {
			await page.goto(route);
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
			const overflow = await page.evaluate(
				() => document.documentElement.scrollWidth - document.documentElement.clientWidth
			);
			expect(overflow, `${route} in ${language}`).toBeLessThanOrEqual(0);
		}
	}
});
