// Dates and numbers follow the app's language, not the browser's: in an English-locale browser the
// Japanese UI writes 2026/12/06, not "Dec 6, 2026", and switching back writes English again.
import { expect, test } from './fixtures';

test.use({
	locale: 'en-US',
	storageState: async ({ signedInState }, use) => use(await signedInState())
});

const ENGLISH_MONTH = /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/;

test('a customer record’s dates follow the app’s language in an English-locale browser', async ({
	page
}) => {
	await page.goto('/customers/wingtip');
	const history = page.getByRole('region', { name: 'Relationship history' });
	await expect(history).toContainText(ENGLISH_MONTH);

	await page.getByLabel('Language').selectOption('ja');
	const historyJa = page.getByRole('region', { name: '関係の履歴' });
	await expect(historyJa).toContainText(/\d{4}\/\d{1,2}\/\d{1,2}/);
	await expect(historyJa).not.toContainText(ENGLISH_MONTH);

	await page.getByLabel('言語').selectOption('en');
	await expect(page.getByRole('region', { name: 'Relationship history' })).toContainText(
		ENGLISH_MONTH
	);
});
