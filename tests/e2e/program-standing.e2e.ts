// Program standing in the app (issue 19): the demo's already-enrolled reseller applies, the program
// operator rejects its application in another browser context, and the reseller is told why, in
// English and Japanese, where it would invite customers or authorize an indirect provider, before it
// tries (the buttons are disabled and described by the reason). A fresh server: this changes the
// demo data.
import { expect, test } from './fixtures';
import { freshServerPerTest } from './fresh-server';

const PASSWORD = 'tiertwo-demo';
const REJECTED_EN =
	"The Cloud Solution Provider (CSP) program rejected your organization's enrollment application, so you can't invite customers or authorize an indirect provider. Enrollment shows the reason.";
const REJECTED_JA =
	'クラウド ソリューション プロバイダー (CSP) プログラムが貴社の登録申請を却下したため、顧客の招待や間接プロバイダーの承認はできません。理由は [登録] に表示されています。';

const { newContext, signedInPage } = freshServerPerTest();

test('a reseller whose application was rejected sees why it cannot invite customers or authorize a provider, in EN and JA', async ({
	browser
}) => {
	test.setTimeout(120_000);
	// Tailwind Traders, already enrolled in CSP, applies through the shortcut.
	const page = await (await newContext(browser)).newPage();
	await page.goto('/enroll/wizard');
	await expect(page.getByRole('heading', { level: 1, name: 'Welcome' })).toBeVisible();
	await page.getByRole('button', { name: 'Next' }).click();
	await page.getByLabel('Email', { exact: true }).fill('admin@tailwind.example');
	await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Already enrolled in CSP' })
	).toBeVisible();
	await page.getByLabel('Support email').fill('support@tailwind.example');
	await page.getByRole('button', { name: 'Enroll now' }).click();
	await expect(page.getByText('Under review')).toBeVisible();

	// Already enrolled and under review: it may still invite customers.
	await page.goto('/customers');
	const request = page.getByRole('button', { name: 'Request a reseller relationship' });
	await expect(request).toBeEnabled();

	// The program operator rejects the application.
	const { page: review } = await signedInPage(browser, {
		email: 'admin@program.example',
		password: PASSWORD
	});
	await review.goto('/enrollment-review');
	await review.getByLabel('Search by name or MPN ID').fill('Tailwind Traders');
	await review.getByRole('link', { name: 'Tailwind Traders' }).first().click();
	await review
		.getByLabel('Reason for rejecting')
		.fill('The support contact could not be verified.');
	await review.getByRole('button', { name: 'Reject' }).click();
	await expect(review.getByText('Saved. The applicant sees it')).toBeVisible();

	// Live, without a reload: the button is disabled and says why.
	await expect(request).toBeDisabled();
	await expect(request).toHaveAccessibleDescription(REJECTED_EN);
	await expect(page.getByText(REJECTED_EN)).toBeVisible();

	await page.getByRole('navigation').getByRole('link', { name: 'Indirect providers' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Indirect providers' })).toBeVisible();
	await expect(page.getByText(REJECTED_EN)).toBeVisible();

	await page.getByLabel('Language').selectOption('ja');
	await expect(page.getByRole('heading', { level: 1, name: '間接プロバイダー' })).toBeVisible();
	await expect(page.getByText(REJECTED_JA)).toBeVisible();
	await page.getByRole('navigation').getByRole('link', { name: '顧客', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1, name: '顧客' })).toBeVisible();
	const requestJa = page.getByRole('button', { name: '再販業者関係の要求' });
	await expect(requestJa).toBeDisabled();
	await expect(requestJa).toHaveAccessibleDescription(REJECTED_JA);
});
