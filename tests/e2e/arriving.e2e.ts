// What is still on its way to a new device is shown as loading, never as none, until it arrives:
// - a customer whose document has not reached the device (listed from the server's summary first):
//   its record and its own Organization page say its subscriptions and users are loading;
// - an org's invitation links, whose document syncs after the list: the Indirect resellers page and
//   the Customers page's relationship requests say Loading… (and "none" only once known);
// - the partner list, the Customers list and the customers shared with a provider, while the
//   server's summaries their rows come from are still being answered.
import type { BrowserContext } from '@playwright/test';
import { decodeFrame, type ChannelFrame } from '../../src/lib/protocol/channel';
import { expect, signIn, test } from './fixtures';

const PASSWORD = 'tiertwo-demo';
const CONTOSO_ADMIN = { email: 'admin@contoso.example', password: PASSWORD };
const WINGTIP_ADMIN = { email: 'admin@wingtip.example', password: PASSWORD };
const NORTHWIND_ADMIN = { email: 'admin@northwind.example', password: PASSWORD };

/** Holds back the server's frames that `hold` picks on this context's sync channel until released. */
async function holdFrames(context: BrowserContext, hold: (frame: ChannelFrame) => boolean) {
	let holding = true;
	const held: (() => void)[] = [];
	await context.routeWebSocket(/\/sync(?:\?|$)/, (route) => {
		const server = route.connectToServer();
		server.onMessage((message) => {
			const frame = typeof message === 'string' ? null : decodeFrame(new Uint8Array(message));
			if (holding && frame && hold(frame)) {
				held.push(() => route.send(message));
			} else {
				route.send(message);
			}
		});
	});
	return {
		release() {
			holding = false;
			for (const send of held.splice(0)) send();
		}
	};
}

/** Holds back the server's frames of document `doc`. */
const holdDocument = (context: BrowserContext, doc: string) =>
	holdFrames(context, (frame) => frame.kind === 'doc' && frame.doc === doc);

test('a customer document still on its way shows its subscriptions and users as loading, not as none, in English and Japanese', async ({
	browser,
	baseURL
}) => {
	// Contoso's admin on a new device, the Wingtip Toys record (English).
	const contoso = await browser.newContext({ baseURL });
	const contosoHold = await holdDocument(contoso, 'customer/wingtip');
	const record = await contoso.newPage();
	await signIn(record, CONTOSO_ADMIN);
	await record.goto('/customers/wingtip');
	await expect(record.getByRole('heading', { level: 1, name: 'Wingtip Toys' })).toBeVisible();
	const users = record.getByRole('region', { name: 'Users' });
	const subscriptions = record.getByRole('region', { name: 'Subscriptions' });
	await expect(users.getByRole('status')).toHaveText('Loading…');
	await expect(subscriptions.getByRole('status')).toHaveText('Loading…');
	await expect(users).not.toContainText('no users yet');
	await expect(users).not.toContainText('your roles do not allow changes');
	contosoHold.release();
	await expect(users.getByRole('rowheader', { name: 'Avery Lee' })).toBeVisible();
	await expect(subscriptions.getByRole('status')).toBeHidden();
	await contoso.close();

	// Wingtip's own admin on a new device, its Organization page (Japanese).
	const wingtip = await browser.newContext({ baseURL });
	const wingtipHold = await holdDocument(wingtip, 'customer/wingtip');
	const organization = await wingtip.newPage();
	await signIn(organization, WINGTIP_ADMIN);
	await organization.getByLabel('Language').selectOption('ja');
	await organization.goto('/organization');
	await expect(organization.getByRole('heading', { level: 1, name: 'Wingtip Toys' })).toBeVisible();
	const ownUsers = organization.getByRole('region', { name: 'ユーザー' });
	await expect(ownUsers.getByRole('status')).toHaveText('読み込んでいます…');
	await expect(
		organization.getByRole('region', { name: 'サブスクリプション' }).getByRole('status')
	).toHaveText('読み込んでいます…');
	await expect(ownUsers).not.toContainText('ユーザーはまだいません。');
	wingtipHold.release();
	await expect(ownUsers.getByRole('rowheader', { name: 'Avery Lee' })).toBeVisible();
	await wingtip.close();
});

test("an org's invitation links and partner list still on their way show as loading, not as none, in English and Japanese", async ({
	browser,
	baseURL
}) => {
	// Northwind's admin on a new device, Indirect resellers (English): the links it sent, and its
	// resellers, whose rows come from the server's summaries (held too, with the partnership
	// documents the background sync would bring meanwhile).
	const northwind = await browser.newContext({ baseURL });
	const northwindHold = await holdFrames(
		northwind,
		(frame) =>
			(frame.kind === 'doc' &&
				(frame.doc === 'invitations/northwind' || frame.doc.startsWith('partnership/'))) ||
			(frame.kind === 'control' &&
				(frame.control as { type?: string } | null)?.type === 'summaries')
	);
	const resellers = await northwind.newPage();
	await signIn(resellers, NORTHWIND_ADMIN);
	await resellers.goto('/indirect-resellers');
	const links = resellers.getByRole('region', { name: 'Invitation links' });
	const partners = resellers.getByRole('region', { name: 'Your indirect resellers' });
	await expect(links.getByRole('status')).toHaveText('Loading…');
	await expect(partners.getByRole('status')).toHaveText('Loading…');
	await expect(links).not.toContainText("You haven't sent an invitation link yet.");
	await expect(partners).not.toContainText('No indirect reseller has authorized you yet.');
	northwindHold.release();
	await expect(links.getByRole('combobox', { name: 'Show' })).toBeVisible();
	await expect(links.getByRole('status')).toBeHidden();
	await expect(partners.getByRole('link', { name: 'Contoso', exact: false }).first()).toBeVisible();
	await expect(partners.getByRole('status')).toBeHidden();
	await northwind.close();

	// Contoso's admin on a new device (Japanese): the customers it shares with Northwind, then
	// Customers, with the relationship requests it sent. Every document but its org's (its roles)
	// and the summaries are held: nothing it lists has reached the device yet.
	const contoso = await browser.newContext({ baseURL });
	const contosoHold = await holdFrames(
		contoso,
		(frame) =>
			(frame.kind === 'doc' && !frame.doc.startsWith('org/')) ||
			(frame.kind === 'control' &&
				(frame.control as { type?: string } | null)?.type === 'summaries')
	);
	const customers = await contoso.newPage();
	await signIn(customers, CONTOSO_ADMIN);
	await customers.getByLabel('Language').selectOption('ja');
	await customers.goto('/indirect-providers/northwind/customers');
	await expect(customers.getByRole('main').getByRole('status')).toHaveText('読み込んでいます…');
	await expect(customers.getByText('と共有している顧客はまだありません。')).toBeHidden();
	await customers.getByRole('navigation').getByRole('link', { name: '顧客', exact: true }).click();
	const requests = customers.getByRole('region', { name: '関係の要求' });
	await expect(requests.getByRole('status')).toHaveText('読み込んでいます…');
	await expect(requests).not.toContainText('送信した関係の要求はまだありません。');
	const list = customers
		.getByRole('main')
		.getByRole('status')
		.filter({ hasText: '読み込んでいます…' });
	await expect(list).toHaveCount(2);
	await expect(customers.getByText('顧客はまだいません。', { exact: false })).toBeHidden();
	await expect(customers.getByText('該当する顧客: 0 件')).toBeHidden();
	contosoHold.release();
	await expect(requests.getByRole('combobox', { name: '表示' })).toBeVisible();
	await expect(requests.getByRole('status')).toBeHidden();
	await expect(customers.getByRole('link', { name: 'Wingtip Toys', exact: true })).toBeVisible();
	await expect(customers.getByText(/該当する顧客: \d+ 件/)).toBeVisible();
	await contoso.close();
});
