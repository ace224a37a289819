// User management end to end: an admin adds a colleague (online and offline), the temporary
// password is shown once, the colleague is made to change it (by the password policy the page
// states), sees only what their roles allow, and is promoted live; a duplicate email added offline
// is reported after reconnect; Remove asks in the app's dialog and is unavailable, with its reason,
// where the last-Global-admin rule forbids it. Only the server knows whether an email has an
// account in another org: online the page waits for its decision and shows the refusal's reason
// and never the temporary password; offline it says the email is checked on reconnect, and a later
// refusal reaches the admin as the shell's notice.
import type { Browser, Page } from '@playwright/test';
import { PASSWORD_MIN_LENGTH } from '../../src/lib/domain/password-policy';
import { freePort, seededDataDir, startAppServer, type AppServer } from './app-server';
import { expectNoAxeViolations } from './axe';
import { expect, signIn, test, waitForServiceWorkerControl } from './fixtures';
import { networkSwitch } from './network-switch';

// Offline journeys: the service worker serves the app while the network is gone.
test.use({ serviceWorkers: 'allow' });

const CONTOSO_ADMIN = { email: 'admin@contoso.example', password: 'tiertwo-demo' };
const NEW_PASSWORD = 'violet harbor lantern forty-two';
const TEMPORARY_PASSWORD = /^[0-9a-hjkmnp-tv-z]{5}(-[0-9a-hjkmnp-tv-z]{5}){3}$/;

let server: AppServer | undefined;

test.beforeEach(async () => {
	server = await startAppServer({ port: await freePort(), dataDir: await seededDataDir() });
});

test.afterEach(async () => {
	await server?.stop();
	server = undefined;
});

const menu = (page: Page) => page.getByRole('navigation', { name: 'Main menu' });

async function openAddUser(page: Page): Promise<void> {
	await page.goto('/settings/user-management');
	await expect(page.getByRole('heading', { level: 1, name: 'User management' })).toBeVisible();
	await page.getByRole('link', { name: 'Add user' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Add user' })).toBeVisible();
}

/** Opens Add user and fills it in (Add is not selected yet). */
async function fillAddUser(page: Page, user: { fullName: string; email: string; agent: string }) {
	await openAddUser(page);
	await page.getByLabel('Full name').fill(user.fullName);
	await page.getByLabel('Email address').fill(user.email);
	await page.getByRole('radio', { name: new RegExp(`^${user.agent}`) }).check();
}

/**
 * Fills Add user and selects Add; returns the temporary password the confirmation shows (online
 * once the server accepted the user, offline at once, titled as saved on this device).
 */
async function addUser(
	page: Page,
	user: { fullName: string; email: string; agent: string },
	title = 'User added'
): Promise<string> {
	await fillAddUser(page, user);
	await page.getByRole('button', { name: 'Add', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expect(page.getByTestId('new-user-name')).toHaveText(user.email);
	const password = (await page.getByTestId('temporary-password').textContent()) ?? '';
	expect(password).toMatch(TEMPORARY_PASSWORD);
	return password;
}

async function signInAsNewUser(browser: Browser, email: string, temporary: string) {
	const context = await browser.newContext({ baseURL: server!.url });
	const page = await context.newPage();
	await page.goto('/sign-in');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(temporary);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Change your temporary password' })
	).toBeVisible();
	return { context, page };
}

async function changeTemporaryPassword(page: Page, temporary: string, next: string) {
	await page.getByLabel('Temporary password').fill(temporary);
	await page.getByLabel('New password', { exact: true }).fill(next);
	await page.getByLabel('Confirm new password').fill(next);
	await page.getByRole('button', { name: 'Change password' }).click();
}

test('an admin adds a Sales agent who must change the temporary password, sees only what the role allows, and is promoted live', async ({
	browser
}) => {
	const admin = await browser.newContext({ baseURL: server!.url });
	const page = await admin.newPage();
	await signIn(page, CONTOSO_ADMIN);
	await page.goto('/settings/user-management');
	await expect(page.getByRole('rowheader', { name: 'Dana Sales' })).toBeVisible();
	await expectNoAxeViolations(page, 'User management');
	await page.getByLabel('Search users by name or email').fill('billing');
	await expect(page.getByRole('rowheader', { name: 'Bo Billing' })).toBeVisible();
	await expect(page.getByRole('rowheader', { name: 'Dana Sales' })).toBeHidden();

	await openAddUser(page);
	await expectNoAxeViolations(page, 'Add user');
	// A bad entry names the problem and keeps what was typed.
	await page.getByLabel('Full name').fill('Riley Chen');
	await page.getByLabel('Email address').fill('sales@contoso.example');
	await page.getByRole('radio', { name: /^Sales agent/ }).check();
	await page.getByRole('button', { name: 'Add', exact: true }).click();
	await expect(page.getByRole('alert')).toContainText('already used by another user');
	await expect(page.getByLabel('Full name')).toHaveValue('Riley Chen');

	const email = 'riley.chen@contoso.example';
	const temporary = await addUser(page, { fullName: 'Riley Chen', email, agent: 'Sales agent' });
	await expect(page.getByRole('note').first()).toContainText("can't be shown again");
	await expectNoAxeViolations(page, 'Add user confirmation');

	// Shown once: leaving the page leaves it nowhere in the app.
	await page.getByRole('link', { name: 'Done' }).click();
	const row = page.getByRole('row', { name: /Riley Chen/ });
	await expect(row).toContainText('Awaiting first sign-in');
	await expect(row).toContainText('Sales agent');
	await expect(page.locator('body')).not.toContainText(temporary);
	await page.getByRole('link', { name: 'Riley Chen' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Riley Chen' })).toBeVisible();
	await expect(page.locator('body')).not.toContainText(temporary);

	const riley = await signInAsNewUser(browser, email, temporary);
	try {
		await expectNoAxeViolations(riley.page, 'Change your temporary password');
		// Nothing else opens before the password is changed.
		await riley.page.goto('/customers');
		await expect(
			riley.page.getByRole('heading', { level: 1, name: 'Change your temporary password' })
		).toBeVisible();
		await changeTemporaryPassword(riley.page, temporary, 'password1234');
		await expect(riley.page.getByRole('alert')).toContainText('too common or too easy to guess');
		await changeTemporaryPassword(riley.page, temporary, NEW_PASSWORD);
		await expect(riley.page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();

		// Sales agent: customers, no partner pages, no User management.
		await expect(menu(riley.page).getByRole('link', { name: 'Customers' })).toBeVisible();
		await expect(menu(riley.page).getByRole('link', { name: 'Settings' })).toBeVisible();
		await expect(menu(riley.page).getByRole('link', { name: 'User management' })).toHaveCount(0);
		await expect(menu(riley.page).getByRole('link', { name: 'Indirect resellers' })).toHaveCount(0);
		// A direct URL explains why instead of showing the page.
		await riley.page.goto('/settings/user-management');
		await expect(
			riley.page.getByRole('heading', { name: "Your roles don't include this page" })
		).toBeVisible();
		await expect(riley.page.getByText('Global admin, User management admin')).toBeVisible();
		await expect(riley.page.getByRole('link', { name: 'Add user' })).toHaveCount(0);
		await expectNoAxeViolations(riley.page, 'a page the role does not open');

		// The admin promotes Riley to Admin agent and User management admin; Riley's menu grows
		// without a reload (never with Indirect resellers: only a provider has them).
		await page.getByRole('radio', { name: /^Admin agent/ }).check();
		await page.getByRole('checkbox', { name: /^User management admin/ }).check();
		await page.getByRole('button', { name: 'Update' }).click();
		await expect(page.getByRole('status').filter({ hasText: 'Roles updated.' })).toBeVisible();
		await expect(page.getByTestId('user-roles')).toHaveText('User management admin, Admin agent');
		await expect(menu(riley.page).getByRole('link', { name: 'User management' })).toBeVisible({
			timeout: 20_000
		});
		await expect(menu(riley.page).getByRole('link', { name: 'Indirect providers' })).toBeVisible();
		await expect(menu(riley.page).getByRole('link', { name: 'Indirect resellers' })).toHaveCount(0);
	} finally {
		await riley.context.close();
		await admin.close();
	}
});

test('a user added offline can sign in after reconnecting; a duplicate email added offline is reported and nothing else is lost', async ({
	browser
}) => {
	const context = await browser.newContext({ baseURL: server!.url });
	const network = await networkSwitch(context);
	const page = await context.newPage();
	try {
		await signIn(page, CONTOSO_ADMIN);
		// The app is installed (its service worker serves every page) before the network goes.
		await waitForServiceWorkerControl(page);
		await page.goto('/settings/user-management');
		await expect(page.getByRole('rowheader', { name: 'Dana Sales' })).toBeVisible();

		await network.offline();
		await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
		const email = 'kai.field@contoso.example';
		const saved = 'User saved on this device';
		const temporary = await addUser(
			page,
			{ fullName: 'Kai Field', email, agent: 'Helpdesk agent' },
			saved
		);
		const offlineStatus = page.getByRole('status').filter({ hasText: "You're offline" });
		await expect(offlineStatus).toContainText(
			'The email address is checked against all of tiertwo when you reconnect'
		);
		await expect(offlineStatus).toContainText(
			'this temporary password works only once the server accepts the user'
		);
		await expect(page.getByRole('heading', { level: 1, name: 'User added' })).toHaveCount(0);
		// An email that belongs to another org: only the server can tell.
		await addUser(
			page,
			{ fullName: 'Northwind Clash', email: 'admin@northwind.example', agent: 'Sales agent' },
			saved
		);
		await page.getByRole('link', { name: 'Done' }).click();
		await expect(page.getByRole('row', { name: /Kai Field/ })).toContainText('Waiting to sync');
		await expect(page.getByRole('row', { name: /Northwind Clash/ })).toContainText(
			'Waiting to sync'
		);
		// Only the server knows sign-ins: said as not known while offline, filled in on reconnect.
		const admin = page.getByRole('row', { name: /Contoso IT Services Admin/ });
		await expect(admin).toContainText('Not known offline');

		await network.online();
		await expect(admin).not.toContainText('Not known', { timeout: 30_000 });
		const refused = page.getByRole('region', { name: 'User changes that were not made' });
		await expect(refused).toContainText('Add user Northwind Clash (admin@northwind.example)', {
			timeout: 30_000
		});
		await expect(refused).toContainText('already used by another user');
		await expect(page.getByRole('row', { name: /Northwind Clash/ })).toHaveCount(0);
		// The admin has moved on: the refusal reaches them in the shell, on any page, with the
		// reason and a link to where it happened, until they dismiss it.
		await page.goto('/');
		const notice = page.getByRole('complementary', {
			name: 'The server refused a change you made'
		});
		await expect(notice).toContainText('Add user Northwind Clash (admin@northwind.example)');
		await expect(notice).toContainText('Not made: This email address is already used');
		await expect(notice.getByRole('alert')).toBeVisible();
		await expectNoAxeViolations(page, 'the notice of a refused change');
		await notice.getByRole('link', { name: 'Open User management' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'User management' })).toBeVisible();
		await page.getByRole('button', { name: 'Dismiss the notice of refused changes' }).click();
		await expect(notice).toHaveCount(0);
		await page.reload();
		await expect(page.getByRole('heading', { level: 1, name: 'User management' })).toBeVisible();
		await expect(notice).toHaveCount(0);
		await expect(page.getByRole('row', { name: /Kai Field/ })).toContainText(
			'Awaiting first sign-in',
			{ timeout: 30_000 }
		);
		await expectNoAxeViolations(page, 'User management with a refused change');

		const kai = await signInAsNewUser(browser, email, temporary);
		try {
			await changeTemporaryPassword(kai.page, temporary, NEW_PASSWORD);
			await expect(kai.page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
		} finally {
			await kai.context.close();
		}
	} finally {
		await context.close();
	}
});

test('adding a user whose email has an account in another org shows the server’s refusal and never a temporary password, in English and Japanese', async ({
	browser
}) => {
	const context = await browser.newContext({ baseURL: server!.url });
	const page = await context.newPage();
	try {
		await signIn(page, CONTOSO_ADMIN);
		await fillAddUser(page, {
			fullName: 'Northwind Clash',
			email: 'admin@northwind.example',
			agent: 'Sales agent'
		});
		await page.getByRole('button', { name: 'Add', exact: true }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'User not added' })).toBeVisible();
		await expect(page.getByRole('alert')).toHaveText(
			'Northwind Clash was not added: This email address is already used by another user. Each user needs a unique email address.'
		);
		await expect(
			page.getByText('No account was made and no temporary password is valid.')
		).toBeVisible();
		await expect(page.getByTestId('temporary-password')).toHaveCount(0);
		await expect(page.getByRole('heading', { level: 1, name: 'User added' })).toHaveCount(0);
		// Shown where it happened, so not repeated as the shell's notice.
		await expect(page.getByRole('complementary')).toHaveCount(0);
		await expectNoAxeViolations(page, 'Add user refused by the server');

		// Back to the form with what was typed; another org's email, in Japanese.
		await page.getByRole('button', { name: 'Change the details' }).click();
		await expect(page.getByLabel('Full name')).toHaveValue('Northwind Clash');
		await page.getByLabel('Email address').fill('admin@fabrikam.example');
		await page.getByLabel('Language').selectOption('ja');
		await page.getByRole('button', { name: '追加', exact: true }).click();
		await expect(
			page.getByRole('heading', { level: 1, name: 'ユーザーは追加されませんでした' })
		).toBeVisible();
		await expect(page.getByRole('alert')).toHaveText(
			'Northwind Clash は追加されませんでした: このメール アドレスは既に別のユーザーが使用しています。ユーザーごとに一意のメール アドレスが必要です。'
		);
		await expect(page.getByTestId('temporary-password')).toHaveCount(0);

		// A free email is accepted by the server, and only then is the password shown.
		await page.getByRole('button', { name: '内容を変更する' }).click();
		await page.getByLabel('言語').selectOption('en');
		await page.getByLabel('Email address').fill('not.a.clash@contoso.example');
		await page.getByRole('button', { name: 'Add', exact: true }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'User added' })).toBeVisible();
		await expect(
			page.getByRole('status').filter({ hasText: 'The server accepted the user' })
		).toBeVisible();
		await expect(page.getByTestId('temporary-password')).toHaveText(TEMPORARY_PASSWORD);
	} finally {
		await context.close();
	}
});

test('account security: change password and sign out everywhere in Settings, and a clear lockout message', async ({
	browser
}) => {
	const context = await browser.newContext({ baseURL: server!.url });
	const page = await context.newPage();
	try {
		await signIn(page, { email: 'admin@wingtip.example', password: 'tiertwo-demo' });
		await page.goto('/settings');
		const security = page.getByRole('region', { name: 'Account security' });
		await security.getByLabel('Current password').fill('tiertwo-demo');
		await security.getByLabel('New password', { exact: true }).fill('wingtipadmin');
		await security.getByLabel('Confirm new password').fill('wingtipadmin');
		await security.getByRole('button', { name: 'Change password' }).click();
		await expect(security.getByRole('alert')).toContainText('built on your own name');
		await security.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
		await security.getByLabel('Confirm new password').fill(NEW_PASSWORD);
		await security.getByRole('button', { name: 'Change password' }).click();
		await expect(security.getByRole('status')).toContainText('Your password was changed.');
		await expectNoAxeViolations(page, 'Settings with account security');

		page.once('dialog', (dialog) => void dialog.accept());
		await security.getByRole('button', { name: 'Sign out everywhere' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();

		// The old password no longer works; repeated failures lock the account with a clear message.
		for (let attempt = 0; attempt < 5; attempt += 1) {
			// Retried only when the form was not sent: the sign-in page may still be settling from
			// the sign-out (a blank form's required fields stop the submission, no attempt counts).
			await expect(async () => {
				await page.getByLabel('Email').fill('admin@wingtip.example');
				await page.getByLabel('Password').fill('tiertwo-demo');
				await page.getByRole('button', { name: 'Sign in' }).click();
				await expect(page.getByRole('alert')).toContainText('incorrect', { timeout: 8_000 });
			}).toPass({ timeout: 30_000 });
		}
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('alert')).toContainText(
			/locked for a while after repeated failed sign-ins\. Try again in \d+ seconds/
		);
	} finally {
		await context.close();
	}
});

/** Strong but random: cut to any length, it fails only by its length. */
const RANDOM_PASSWORD = 'q7#Lm!2xVb9$Tz4&Wk8@';

test('a password built on the user’s own name is refused with the stated reason, and the stated minimum length is the enforced one, in English and Japanese', async ({
	browser
}) => {
	const admin = await browser.newContext({ baseURL: server!.url });
	const page = await admin.newPage();
	await signIn(page, CONTOSO_ADMIN);
	const email = 'yuki@contoso.example';
	const temporary = await addUser(page, { fullName: 'Yuki Tanaka', email, agent: 'Sales agent' });
	const yuki = await signInAsNewUser(browser, email, temporary);
	const first = yuki.page;
	try {
		await expect(first.getByText(`Use at least ${PASSWORD_MIN_LENGTH} characters.`)).toBeVisible();
		await expect(first.getByText('passwords built on your name, email address')).toBeVisible();
		await changeTemporaryPassword(first, temporary, 'yukitanaka12');
		await expect(first.getByRole('alert')).toContainText(
			'This password is built on your own name, email address, organization or domain'
		);
		await expect(first.getByLabel('New password', { exact: true })).toHaveValue('yukitanaka12');
		await changeTemporaryPassword(
			first,
			temporary,
			RANDOM_PASSWORD.slice(0, PASSWORD_MIN_LENGTH - 1)
		);
		await expect(first.getByRole('alert')).toHaveText(
			`The new password is too short: use at least ${PASSWORD_MIN_LENGTH} characters.`
		);

		await first.getByLabel('Language').selectOption('ja');
		await expect(
			first.getByRole('heading', { level: 1, name: '一時パスワードを変更してください' })
		).toBeVisible();
		await expect(
			first.getByText(`${PASSWORD_MIN_LENGTH} 文字以上にしてください。記号`)
		).toBeVisible();
		const changeJa = async (next: string) => {
			await first.getByLabel('一時パスワード').fill(temporary);
			await first.getByLabel('新しいパスワード', { exact: true }).fill(next);
			await first.getByLabel('新しいパスワードの確認').fill(next);
			await first.getByRole('button', { name: 'パスワードの変更' }).click();
		};
		await changeJa('yukitanaka12');
		await expect(first.getByRole('alert')).toContainText(
			'自分の名前、メール アドレス、組織名、またはドメインに基づいています'
		);
		await changeJa(RANDOM_PASSWORD.slice(0, PASSWORD_MIN_LENGTH - 1));
		await expect(first.getByRole('alert')).toHaveText(
			`新しいパスワードが短すぎます。${PASSWORD_MIN_LENGTH} 文字以上にしてください。`
		);
		// Exactly the stated minimum is accepted, by this device and by the server.
		await changeJa(RANDOM_PASSWORD.slice(0, PASSWORD_MIN_LENGTH));
		await expect(first.getByRole('heading', { level: 1, name: 'ダッシュボード' })).toBeVisible();
	} finally {
		await yuki.context.close();
		await admin.close();
	}
});

test('Remove is visible and asks in the app’s dialog; for the sole Global admin it is unavailable, with the reason, in English and Japanese', async ({
	browser
}) => {
	const context = await browser.newContext({ baseURL: server!.url });
	const page = await context.newPage();
	try {
		await signIn(page, CONTOSO_ADMIN);
		await page.goto('/settings/user-management');
		await page.getByRole('link', { name: 'Dana Sales' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'Dana Sales' })).toBeVisible();
		const remove = page.getByRole('button', { name: 'Remove', exact: true });
		await expect(remove).toBeVisible();
		await expect(remove).toBeEnabled();
		// The label is drawn in a colour other than the button's own (it once matched it).
		const colours = await remove.evaluate((button) => {
			const style = getComputedStyle(button);
			return { text: style.color, fill: style.backgroundColor };
		});
		expect(colours.text).not.toBe(colours.fill);
		await expectNoAxeViolations(page, 'User detail');

		// The app's own dialog, not the browser's: Cancel keeps the user.
		const browserDialogs: string[] = [];
		page.on('dialog', (asked) => {
			browserDialogs.push(asked.message());
			void asked.dismiss();
		});
		await remove.click();
		const dialog = page.getByRole('dialog', { name: 'Remove Dana Sales?' });
		await expect(dialog).toBeVisible();
		await expect(dialog).toContainText('They lose access to your organization.');
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		await expect(dialog).toBeHidden();
		await remove.click();
		await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'User management' })).toBeVisible();
		await expect(page.getByRole('rowheader', { name: 'Dana Sales' })).toHaveCount(0);

		// The sole Global admin's own page: Disable and Remove are unavailable, and it says why.
		await page.getByRole('link', { name: 'Contoso IT Services Admin' }).click();
		await expect(
			page.getByRole('heading', { level: 1, name: 'Contoso IT Services Admin' })
		).toBeVisible();
		await expect(
			page.getByText(
				"You are the only active Global admin of Contoso IT Services, so you can't disable or remove your own account."
			)
		).toBeVisible();
		await expect(remove).toBeDisabled();
		await expect(remove).toHaveAccessibleDescription(/only active Global admin/);
		await expect(page.getByRole('button', { name: 'Disable' })).toBeDisabled();
		await expectNoAxeViolations(page, 'the sole Global admin’s own page');

		await page.getByLabel('Language').selectOption('ja');
		const removeJa = page.getByRole('button', { name: '削除', exact: true });
		await expect(removeJa).toBeDisabled();
		await expect(removeJa).toHaveAccessibleDescription(/唯一の有効な全体管理者/);
		await expect(page.getByText('Contoso IT Services で唯一の有効な全体管理者')).toBeVisible();
		expect(browserDialogs).toEqual([]);
	} finally {
		await context.close();
	}
});
