// Enrollment journeys (issue 7): a brand-new reseller enrolls end to end and the program approves
// in another browser context; the documented rules refuse with their messages; the shortcut for
// resellers already enrolled in CSP; reload resumes the wizard; Enroll now offline syncs later.
// Issue 21: the applicant answers the program's request for more information and the operator
// keeps the history; the only organization profile is preselected and a profile in another
// country/region is refused naming both; the step counter counts the shortcut.
import type { Browser, Page } from '@playwright/test';
import { PASSWORD_MIN_LENGTH } from '../../src/lib/domain/password-policy';
import { expectNoAxeViolations } from './axe';
import { expect, signIn, test, waitForServiceWorkerControl } from './fixtures';

// Offline journeys: the service worker serves the app while the network is gone.
test.use({ serviceWorkers: 'allow' });

const PASSWORD = 'tiertwo-demo';
let serial = 0;

function newApplicant() {
	serial += 1;
	const domain = `fineart${Date.now().toString(36)}${serial}.example`;
	return {
		legalName: 'Fine Art School',
		domain,
		fullName: 'Alex Rivera',
		email: `admin@${domain}`,
		password: 'a long enough password',
		contact: `pat@${domain}`
	};
}

type Applicant = ReturnType<typeof newApplicant>;

async function heading(page: Page, name: string | RegExp) {
	await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

/** Before you begin > Welcome > Create one (US tenant): signed in as the new global admin. */
async function createWorkAccount(page: Page, applicant: Applicant) {
	await page.goto('/enroll');
	await heading(page, 'Before you begin');
	await page.getByRole('link', { name: /Start enrollment|Continue your enrollment/ }).click();
	await heading(page, 'Welcome');
	await page.getByRole('button', { name: 'Next' }).click();
	await heading(page, 'Sign in with your work account');
	await page.getByLabel('Organization name').fill(applicant.legalName);
	await page.getByLabel('Domain name').fill(applicant.domain);
	await page.getByLabel('Country/region').selectOption('US');
	await page.getByLabel('Your full name').fill(applicant.fullName);
	await page.getByLabel(/Your email address/).fill(applicant.email);
	await page.getByLabel(/New password/).fill(applicant.password);
	await page.getByRole('button', { name: 'Create one' }).click();
	await heading(page, 'Link your MPN ID');
}

/** How the MPN ID is linked > Sign in > user name > Next > password > Sign in. */
async function signInToPmc(page: Page, userName: string) {
	if (await page.getByRole('heading', { level: 1, name: 'Link your MPN ID' }).isVisible()) {
		await page.getByRole('button', { name: 'Sign in' }).click();
	}
	await heading(page, 'Sign in to Partner Membership Center');
	await page.getByLabel('Partner Membership Center user name').fill(userName);
	await page.getByRole('button', { name: 'Next' }).click();
	await heading(page, 'Enter your password');
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await heading(page, 'Choose your organization profile');
}

async function chooseUsProfile(page: Page) {
	await page.getByRole('radio', { name: /7000101/ }).check();
	await page.getByRole('button', { name: 'Continue' }).click();
	await heading(page, "Your organization's details");
}

async function fillDetails(page: Page, applicant: Applicant, contactEmail = applicant.contact) {
	await page.getByLabel('Legal business name').fill(applicant.legalName);
	await page.getByLabel('Address line 1').fill('1 Art Way');
	await page.getByLabel('City').fill('Portland');
	await page.getByLabel('Postal code').fill('97201');
	await page.getByLabel('Country/region').selectOption('US');
	await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Pat Contact');
	await page.getByRole('textbox', { name: 'Email', exact: true }).fill(contactEmail);
	await page.getByLabel('Support email').fill(`support@${applicant.domain}`);
}

async function signedInPage(browser: Browser, email: string) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signIn(page, { email, password: PASSWORD });
	return { context, page };
}

/** The wizard drafts saved on the device, as JSON text (read from IndexedDB itself). */
function savedDrafts(page: Page): Promise<string> {
	return page.evaluate(async () => {
		const request = indexedDB.open('tiertwo');
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(new Error('open'));
		});
		const all = db.transaction('drafts').objectStore('drafts').getAll();
		const text = await new Promise<string>(
			(resolve) => (all.onsuccess = () => resolve(JSON.stringify(all.result)))
		);
		db.close();
		return text;
	});
}

test('a brand-new reseller enrolls end to end, verifies from the mailbox, is approved live and completes the admin agent check', async ({
	page,
	browser
}) => {
	test.setTimeout(180_000);
	const applicant = newApplicant();
	await page.goto('/enroll');
	await expectNoAxeViolations(page, 'Before you begin');
	await createWorkAccount(page, applicant);

	// A profile in another country/region is refused with the documented reason; Cancel goes back
	// to the Partner Membership Center sign-in to try another account.
	await signInToPmc(page, 'pmc@lamnahealthcare.example');
	await page.getByRole('radio', { name: /7000201/ }).check();
	await page.getByRole('button', { name: 'Continue' }).click();
	await expect(page.getByRole('alert')).toContainText(
		"is in Germany, but your work account's tenant is in United States"
	);
	await expectNoAxeViolations(page, 'organization profile refused');
	await page.getByRole('button', { name: 'Cancel' }).click();
	await heading(page, 'Sign in to Partner Membership Center');
	await signInToPmc(page, 'pmc@fineartschool.example');
	await chooseUsProfile(page);

	// Missing fields: each error next to its field, and a summary that is announced.
	await page.getByRole('button', { name: 'Enroll now' }).click();
	await expect(page.getByRole('alert').first()).toContainText('Some fields need your attention');
	await expect(page.getByLabel('Legal business name')).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByLabel('Legal business name')).toHaveAccessibleDescription(
		'Fill in this field.'
	);

	// A web-based email service is refused for the primary contact.
	await fillDetails(page, applicant, 'pat.contact@gmail.com');
	await page.getByRole('button', { name: 'Enroll now' }).click();
	await expect(
		page.getByRole('textbox', { name: 'Email', exact: true })
	).toHaveAccessibleDescription(/web-based email service/);
	await expectNoAxeViolations(page, 'details with errors');

	// A reload resumes at the same step with the same answers (never the passwords).
	await page.getByRole('textbox', { name: 'Email', exact: true }).fill(applicant.contact);
	// Saved as typed, a moment later (a page unloaded meanwhile aborts the write under way).
	await expect.poll(() => savedDrafts(page)).toContain(applicant.contact);
	await page.reload();
	await heading(page, "Your organization's details");
	await expect(page.getByLabel('Legal business name')).toHaveValue(applicant.legalName);
	await expect(page.getByRole('textbox', { name: 'Email', exact: true })).toHaveValue(
		applicant.contact
	);
	const draft = await savedDrafts(page);
	expect(draft).toContain(applicant.contact);
	expect(draft).not.toContain(applicant.password);
	expect(draft).not.toContain(PASSWORD);

	await page.getByRole('button', { name: 'Enroll now' }).click();
	await heading(page, 'Enrollment');
	await expect(page.getByText('Email verification pending')).toBeVisible();
	await expectNoAxeViolations(page, 'application status');

	// The program operator opens the verification email from the Mailbox, in another context.
	const operator = await signedInPage(browser, 'admin@program.example');
	try {
		await operator.page.getByRole('link', { name: 'Mailbox', exact: true }).click();
		await heading(operator.page, 'Mailbox');
		const email = operator.page
			.getByRole('article')
			.filter({ hasText: `To: ${applicant.contact}` })
			.filter({ hasText: 'Verify your email address' })
			.first();
		await expect(email).toBeVisible();
		await expectNoAxeViolations(operator.page, 'Mailbox');
		await email.getByRole('link', { name: /\/enroll\/verify#token=/ }).click();
		await expect(operator.page.getByText('Your email address is verified')).toBeVisible();
		await expect(page.getByText('Under review')).toBeVisible();

		// The operator approves; the applicant sees Approved live.
		await operator.page.goto('/enrollment-review');
		await heading(operator.page, 'Enrollment review');
		await operator.page.getByLabel('Status').selectOption('underReview');
		await operator.page.getByRole('link', { name: applicant.legalName }).first().click();
		await heading(operator.page, `Application: ${applicant.legalName}`);
		await expect(operator.page.getByText(applicant.contact)).toBeVisible();
		await expectNoAxeViolations(operator.page, 'application detail');
		await operator.page.getByRole('button', { name: 'Approve' }).click();
		await expect(operator.page.getByText('Saved. The applicant sees it')).toBeVisible();
	} finally {
		await operator.context.close();
	}
	await expect(page.getByText('Approved', { exact: true })).toBeVisible();
	await expect(
		page.getByRole('heading', { name: "Check that you're in the Admin agent group" })
	).toBeVisible();
	await expect(page.getByText("You're in the Admin agent group.")).toBeVisible();
	await page.getByRole('button', { name: "I'm in the Admin agent group" }).click();
	await expect(page.getByText('Your account is ready. You can start working')).toBeVisible();

	// Its first link: the org has no invitations document yet, and this write makes it.
	await page.getByRole('navigation').getByRole('link', { name: 'Customers' }).click();
	await heading(page, 'Customers');
	// None sent: the page says so once it knows (the server does not list such a document).
	await expect(page.getByRole('region', { name: 'Relationship requests' })).toContainText(
		'No relationship requests sent yet.'
	);
	await page.getByRole('button', { name: 'Request a reseller relationship' }).click();
	const dialog = page.getByRole('dialog', { name: 'Reseller relationship request' });
	const link = await dialog.getByLabel('Personalized link', { exact: true }).inputValue();
	await dialog.getByRole('button', { name: 'Done' }).click();
	await expect(dialog).toBeHidden();
	await expect(
		page
			.getByRole('table', { name: 'Relationship requests' })
			.getByRole('row')
			.filter({ hasText: 'Pending' })
	).toHaveCount(1);
	await expect(
		page
			.getByRole('banner')
			.getByRole('status')
			.filter({ hasText: /waiting to sync/ })
	).toBeHidden();
	// The server has it: a customer opening the link sees who asks.
	const guest = await (await browser.newContext()).newPage();
	await guest.goto(link);
	await expect(
		guest.getByRole('heading', {
			level: 1,
			name: `${applicant.legalName} requests a reseller relationship`
		})
	).toBeVisible();
	await guest.context().close();
});

test('a reseller already enrolled in CSP takes the shortcut: only customer support information', async ({
	page
}) => {
	// Before you begin and Welcome mention the shortcut and count it as the step counter does.
	await page.goto('/enroll');
	await heading(page, 'Before you begin');
	await expect(
		page.getByText('Already enrolled in CSP? After you sign in with your work account')
	).toContainText('3 steps instead of 7');
	await page.getByRole('link', { name: /Start enrollment|Continue your enrollment/ }).click();
	await heading(page, 'Welcome');
	await expect(page.getByText("Step 1 of 7 (3 if you're already enrolled in CSP)")).toBeVisible();
	await expect(page.getByText('3 steps instead of 7')).toBeVisible();
	await page.getByRole('button', { name: 'Next' }).click();
	await expect(page.getByText("Step 2 of 7 (3 if you're already enrolled in CSP)")).toBeVisible();
	await page.getByLabel('Email', { exact: true }).fill('admin@tailwind.example');
	await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await heading(page, 'Already enrolled in CSP');
	await expect(page.getByText('Step 3 of 3', { exact: true })).toBeVisible();
	await expect(page.getByLabel('Legal business name')).toHaveCount(0);
	await page.getByRole('button', { name: 'Enroll now' }).click();
	await expect(page.getByLabel('Support email')).toHaveAccessibleDescription('Fill in this field.');
	await page.getByLabel('Support email').fill('support@tailwind.example');
	await page.getByRole('button', { name: 'Enroll now' }).click();
	await heading(page, 'Enrollment');
	await expect(page.getByText('Under review')).toBeVisible();
});

test('Enroll now made offline is saved on the device and delivered after reconnect', async ({
	page,
	context,
	request
}) => {
	test.setTimeout(120_000);
	const applicant = newApplicant();
	await createWorkAccount(page, applicant);
	await signInToPmc(page, 'pmc@fineartschool.example');
	await chooseUsProfile(page);
	await fillDetails(page, applicant);

	// Offline, the Enrollment page it goes to next comes from the service worker's cache: under load
	// the worker could still be precaching when the network went (the error page, not Enrollment).
	await waitForServiceWorkerControl(page);
	await context.setOffline(true);
	await expect(page.getByText('Enroll now will be saved on this device')).toBeVisible({
		timeout: 30_000
	});
	await page.getByRole('button', { name: 'Enroll now' }).click();
	await heading(page, 'Enrollment');
	await expect(
		page.getByText("Saved on this device. It will be submitted when you're back online.")
	).toBeVisible();

	await context.setOffline(false);
	await expect(page.getByText('Saved on this device.')).toHaveCount(0, { timeout: 30_000 });
	await expect(page.getByText('Email verification pending')).toBeVisible();
	// The server has it: it emailed the primary contact a verification link.
	const origin = new URL(page.url()).origin;
	const signIn = await request.post('/api/auth/sign-in', {
		data: { email: 'admin@program.example', password: PASSWORD },
		headers: { origin }
	});
	expect(signIn.status()).toBe(200);
	const mailbox = (await (await request.get('/api/mailbox')).json()) as {
		messages: { to: string; subject: string }[];
	};
	expect(mailbox.messages.some((mail) => mail.to === applicant.contact)).toBe(true);
});

test('the program operator adds an indirect provider; its first admin signs in with the temporary password shown once', async ({
	browser
}) => {
	const operator = await signedInPage(browser, 'admin@program.example');
	const { page } = operator;
	try {
		await page.getByRole('link', { name: 'Add indirect provider', exact: true }).click();
		await heading(page, 'Add an indirect provider');
		await page.getByRole('button', { name: 'Add indirect provider' }).click();
		await expect(page.getByLabel('Legal business name')).toHaveAccessibleDescription(
			'Fill in this field.'
		);
		await page.getByLabel('Legal business name').fill('Wide World Distribution');
		await page.getByLabel('Country/region').selectOption('US');
		await page.getByLabel('Regions served').selectOption(['US', 'CA']);
		await page.getByLabel('Technical training and assistance').check();
		await page.getByLabel('Partner contact email').fill('partners@wideworld.example');
		await page.getByLabel('Full name').fill('Wen Admin');
		const email = `admin-${Date.now()}@wideworld.example`;
		await page.getByLabel('Email address').fill(email);
		await expectNoAxeViolations(page, 'Add an indirect provider');
		await page.getByRole('button', { name: 'Add indirect provider' }).click();
		await expect(page.getByText('Wide World Distribution was added')).toBeVisible();
		const password = (await page.locator('.password code').textContent()) ?? '';
		expect(password.length).toBeGreaterThanOrEqual(16);

		// The first admin signs in with the temporary password (and must change it).
		const admin = await browser.newContext();
		const response = await admin.request.post('/api/auth/sign-in', {
			data: { email, password },
			headers: { origin: new URL(page.url()).origin }
		});
		expect(response.status()).toBe(200);
		await admin.close();
	} finally {
		await operator.context.close();
	}
});

test('Create one states the enforced password minimum and refuses, before asking the server, what the policy refuses, in English and Japanese', async ({
	page
}) => {
	const applicant = newApplicant();
	const strong = 'q7#Lm!2xVb9$Tz4&Wk8@';
	const creations: string[] = [];
	page.on('request', (request) => {
		if (request.method() === 'POST' && request.url().endsWith('/api/enrollment/work-account')) {
			creations.push(request.url());
		}
	});
	await page.goto('/enroll');
	await page.getByRole('link', { name: /Start enrollment|Continue your enrollment/ }).click();
	await page.getByRole('button', { name: 'Next' }).click();
	await heading(page, 'Sign in with your work account');
	const password = page.getByLabel('New password', { exact: true });
	await expect(password).toHaveAccessibleDescription(
		new RegExp(`^Use at least ${PASSWORD_MIN_LENGTH} characters\\.`)
	);
	await page.getByLabel('Organization name').fill(applicant.legalName);
	await page.getByLabel('Domain name').fill(applicant.domain);
	await page.getByLabel('Country/region').selectOption('US');
	await page.getByLabel('Your full name').fill(applicant.fullName);
	await page.getByLabel(/Your email address/).fill(applicant.email);
	await password.fill(strong.slice(0, PASSWORD_MIN_LENGTH - 1));
	await page.getByRole('button', { name: 'Create one' }).click();
	await expect(password).toHaveAccessibleDescription(
		new RegExp(`too short: use at least ${PASSWORD_MIN_LENGTH} characters\\.$`)
	);
	await expect(password).toBeFocused();

	await page.getByLabel('Language').selectOption('ja');
	const passwordJa = page.getByLabel('新しいパスワード', { exact: true });
	await expect(passwordJa).toHaveAccessibleDescription(
		new RegExp(`^${PASSWORD_MIN_LENGTH} 文字以上にしてください。`)
	);
	await passwordJa.fill('AlexRivera2024!');
	await page.getByRole('button', { name: '作成する', exact: true }).click();
	await expect(passwordJa).toHaveAccessibleDescription(
		/名前、メール アドレス、組織名、またはドメイン/
	);
	expect(creations).toEqual([]);
	await passwordJa.fill(strong.slice(0, PASSWORD_MIN_LENGTH));
	await page.getByRole('button', { name: '作成する', exact: true }).click();
	await heading(page, /MPN ID/);
});

test('enrollment pages read in Japanese on a phone, without axe violations', async ({
	browser
}) => {
	const context = await browser.newContext({
		viewport: { width: 390, height: 844 },
		locale: 'ja-JP'
	});
	const page = await context.newPage();
	try {
		await page.goto('/enroll');
		await heading(page, '始める前に');
		await expectNoAxeViolations(page, 'Before you begin (ja, phone)');
		await page.getByRole('link', { name: '登録を開始' }).click();
		await heading(page, 'ようこそ');
		await page.getByRole('button', { name: '次へ' }).click();
		await heading(page, '職場アカウントでサインイン');
		const overflow = await page.evaluate(
			() => document.documentElement.scrollWidth > document.documentElement.clientWidth
		);
		expect(overflow).toBe(false);
		await expectNoAxeViolations(page, 'work account (ja, phone)');
	} finally {
		await context.close();
	}
});

test('the operator requests more information, the applicant answers it and resubmits, the operator keeps the request and the answer, then the applicant sees the rejection reason live', async ({
	page,
	browser,
	request
}) => {
	test.setTimeout(150_000);
	const applicant = newApplicant();
	await createWorkAccount(page, applicant);
	await signInToPmc(page, 'pmc@fineartschool.example');
	await chooseUsProfile(page);
	await fillDetails(page, applicant);
	await page.getByRole('button', { name: 'Enroll now' }).click();
	await expect(page.getByText('Email verification pending')).toBeVisible();

	// The primary contact verifies with the link from the outbox.
	const origin = new URL(page.url()).origin;
	expect(
		(
			await request.post('/api/auth/sign-in', {
				data: { email: 'admin@program.example', password: PASSWORD },
				headers: { origin }
			})
		).status()
	).toBe(200);
	let token: string | undefined;
	await expect(async () => {
		const { messages } = (await (await request.get('/api/mailbox')).json()) as {
			messages: { to: string; text: string }[];
		};
		const mail = messages.find((message) => message.to === applicant.contact);
		token = /#token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1];
		expect(token).toBeDefined();
	}).toPass();
	expect(
		(
			await request.post('/api/enrollment/verify-email', { data: { token }, headers: { origin } })
		).status()
	).toBe(200);
	await expect(page.getByText('Under review')).toBeVisible();

	const operator = await signedInPage(browser, 'admin@program.example');
	try {
		const review = operator.page;
		await review.goto('/enrollment-review');
		await review.getByLabel('Search by name or MPN ID').fill(applicant.legalName);
		await review.getByRole('link', { name: applicant.legalName }).first().click();
		await expect(review.getByText(applicant.contact)).toBeVisible();
		await review.getByRole('button', { name: 'Request more information' }).click();
		await expect(review.getByLabel('What information is needed')).toHaveAccessibleDescription(
			'Fill in this field.'
		);
		await review.getByLabel('What information is needed').fill('Add a support phone number.');
		await review.getByRole('button', { name: 'Request more information' }).click();
		await expect(review.getByText('Saved. The applicant sees it')).toBeVisible();

		// The operator sees the open request in the application's history.
		const history = review.getByRole('region', { name: 'Requests for more information' });
		const round = history.getByRole('article', { name: 'Request 1' });
		await expect(round).toContainText('Add a support phone number.');
		await expect(round).toContainText("Waiting for the applicant's answer.");

		// The applicant sees the request's text and answers it in a labelled field.
		await expect(page.getByText('More information requested')).toBeVisible();
		await expect(page.getByText('Add a support phone number.')).toBeVisible();
		await page.getByRole('button', { name: 'Answer and update your application' }).click();
		await heading(page, "Your organization's details");
		const request = page.getByRole('region', { name: "The program's request" });
		await expect(request).toContainText('Add a support phone number.');
		await expect(page.getByLabel('Legal business name')).toHaveValue(applicant.legalName);
		const send = page.getByRole('button', { name: 'Send answer and resubmit' });
		await expect(page.getByRole('button', { name: 'Enroll now' })).toHaveCount(0);
		await send.click();
		await expect(page.getByRole('textbox', { name: 'Your answer' })).toHaveAccessibleDescription(
			/Fill in this field\./
		);
		await expectNoAxeViolations(page, 'answer to a request for more information');
		// In Japanese, the same page names the field and says what the button does.
		await page.getByLabel('Language').selectOption('ja');
		await expect(page.getByRole('region', { name: 'プログラムからの要求' })).toBeVisible();
		await expect(page.getByRole('textbox', { name: '回答' })).toBeVisible();
		await expect(page.getByRole('button', { name: '回答を送信して再申請する' })).toBeVisible();
		await page.getByLabel('言語').selectOption('en');
		await page.getByRole('textbox', { name: 'Your answer' }).fill('Added +1 503 555 0100.');
		await page.getByLabel('Support phone (optional)').fill('+1 503 555 0100');
		await send.click();
		await heading(page, 'Enrollment');
		await expect(page.getByText('Under review')).toBeVisible();

		// The operator keeps the whole request-and-answer history, in English and Japanese.
		await expect(review.getByText('Under review')).toBeVisible();
		await expect(round).toContainText('Added +1 503 555 0100.');
		await expect(round).toContainText('Answered');
		await expect(round).not.toContainText("Waiting for the applicant's answer.");
		await expectNoAxeViolations(review, 'request-and-answer history');
		await review.getByLabel('Language').selectOption('ja');
		const roundJa = review
			.getByRole('region', { name: '追加情報の要求' })
			.getByRole('article', { name: '要求 1' });
		await expect(roundJa).toContainText('Add a support phone number.');
		await expect(roundJa).toContainText('回答日時');
		await review.getByLabel('言語').selectOption('en');

		await review.getByLabel('Reason for rejecting').fill('The legal business name does not match.');
		await review.getByRole('button', { name: 'Reject' }).click();
		await expect(review.getByText('Saved. The applicant sees it')).toBeVisible();
	} finally {
		await operator.context.close();
	}
	await expect(page.getByText('Rejected', { exact: true })).toBeVisible();
	await expect(page.getByText('The legal business name does not match.')).toBeVisible();
});

test('the only organization profile is preselected, and one in another country/region is refused naming both, in English and Japanese', async ({
	page
}) => {
	test.setTimeout(120_000);
	const applicant = newApplicant();
	await createWorkAccount(page, applicant);
	await signInToPmc(page, 'pmc@lamnahealthcare.example');
	const only = page.getByRole('radio', { name: /7000201/ });
	await expect(only).toBeChecked();
	await page.getByRole('button', { name: 'Continue' }).click();
	const refusal = page.getByRole('alert');
	await expect(refusal).toContainText(
		"The organization profile you chose is in Germany, but your work account's tenant is in United States."
	);
	await expect(refusal).toContainText(
		'Choose the organization profile whose MPN ID is in United States.'
	);
	await page.getByLabel('Language').selectOption('ja');
	await expect(refusal).toContainText(
		'選択した組織プロファイルはドイツにありますが、職場アカウントのテナントはアメリカ合衆国にあります。'
	);
	await expect(page.getByRole('radio', { name: /7000201/ })).toBeChecked();
	await page.getByLabel('言語').selectOption('en');

	// Another account's single profile, in the tenant's country, is preselected: Continue goes on.
	await page.getByRole('button', { name: 'Cancel' }).click();
	await signInToPmc(page, 'pmc@tailwindtraders.example');
	await expect(page.getByRole('radio', { name: /7000301/ })).toBeChecked();
	await page.getByRole('button', { name: 'Continue' }).click();
	await heading(page, "Your organization's details");
});
