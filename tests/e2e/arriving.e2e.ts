// A customer whose document has not reached this device yet (a new device lists it from the
// server's summary first): its record and its own Organization page say its subscriptions and users
// are loading, never that it has none, until the document arrives.
import type { BrowserContext } from '@playwright/test';
import { decodeFrame } from '../../src/lib/protocol/channel';
import { expect, signIn, test } from './fixtures';

const PASSWORD = 'tiertwo-demo';
const CONTOSO_ADMIN = { email: 'admin@contoso.example', password: PASSWORD };
const WINGTIP_ADMIN = { email: 'admin@wingtip.example', password: PASSWORD };

/** Holds back the server's frames of document `doc` on this context's sync channel until released. */
async function holdDocument(context: BrowserContext, doc: string) {
	let holding = true;
	const held: (() => void)[] = [];
	await context.routeWebSocket(/\/sync(?:\?|$)/, (route) => {
		const server = route.connectToServer();
		server.onMessage((message) => {
			const frame = typeof message === 'string' ? null : decodeFrame(new Uint8Array(message));
			if (holding && frame?.kind === 'doc' && frame.doc === doc) {
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
