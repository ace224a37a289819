// Users an admin adds on a device become accounts once synced: the device-made temporary password
// signs in (and must be changed first), and an email that has an account anywhere is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { TEMPORARY_PASSWORD_TTL_MS } from '../../src/lib/domain/temporary-password';
import {
	generateTemporaryPassword,
	hashTemporaryPassword
} from '../../src/lib/sync/temporary-password';
import { newId } from '../../sync-server/src/accounts/tokens';
import { messageRefused } from '../../sync-server/src/wire-format';
import {
	CONTOSO_ADMIN,
	closedWith,
	cookiesFrom,
	event,
	startTestServer,
	waitForAsync,
	waitForSync,
	type TestServer
} from './harness';

let t: TestServer;

beforeAll(async () => {
	t = await startTestServer();
});
afterAll(async () => {
	await t.close();
});

async function userAdded(email: string, password: string, fullName = 'Pat Field') {
	return event('user.added', CONTOSO_ADMIN, {
		userId: newId(),
		email,
		fullName,
		roles: ['salesAgent'],
		temporaryPassword: {
			hash: await hashTemporaryPassword(password),
			expiresAt: Date.now() + TEMPORARY_PASSWORD_TTL_MS
		}
	});
}

function signIn(email: string, password: string) {
	return fetch(`${t.url}/api/auth/sign-in`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email, password })
	});
}

describe('users added on a device', () => {
	it('signs in with the device-made temporary password once synced, and must change it first', async () => {
		const session = await t.signIn('admin@contoso.example');
		const doc = new Y.Doc();
		const provider = t.provider('org/contoso', session, doc);
		await waitForSync(provider);
		const password = generateTemporaryPassword();
		const added = await userAdded('pat.field@contoso.example', password);
		doc.getArray('log').push([added]);
		await waitForAsync(
			async () =>
				(await t.server.accounts.store.byEmail('pat.field@contoso.example')) !== undefined,
			5000,
			'the account'
		);
		const response = await signIn('Pat.Field@contoso.example', password);
		expect(response.status).toBe(200);
		const body = (await response.json()) as { user: { mustChangePassword: boolean } };
		expect(body.user.mustChangePassword).toBe(true);
		const documents = await fetch(`${t.url}/api/auth/documents`, {
			headers: { cookie: cookiesFrom(response).cookie }
		});
		expect(documents.status).toBe(403);
		provider.destroy();
	});

	it('refuses a user whose email has an account in another org, and keeps nothing of it', async () => {
		const session = await t.signIn('admin@contoso.example');
		const doc = new Y.Doc();
		const provider = t.provider('org/contoso', session, doc);
		await waitForSync(provider);
		const before = (await t.server.registry.get('org/contoso'))?.log.length;
		const refusals: unknown[] = [];
		provider.messageHandlers[messageRefused] = (_encoder, decoder) => {
			refusals.push(JSON.parse(decoding.readVarString(decoder)));
		};
		const closed = closedWith(provider);
		const clash = await userAdded('ADMIN@northwind.example', generateTemporaryPassword());
		doc.getArray('log').push([clash]);
		expect(await closed).toEqual({ code: 4400, reason: 'error_email_taken' });
		expect(refusals).toEqual([{ code: 'error_email_taken', eventIds: [clash.id] }]);
		expect((await t.server.registry.get('org/contoso'))?.log.length).toBe(before);
		expect((await t.server.accounts.store.byEmail('admin@northwind.example'))?.org_id).toBe(
			'northwind'
		);
	});

	it('refuses a temporary password hashed with any other PBKDF2 count than the standard one', async () => {
		const session = await t.signIn('admin@contoso.example');
		const doc = new Y.Doc();
		const provider = t.provider('org/contoso', session, doc);
		await waitForSync(provider);
		const closed = closedWith(provider);
		// 5,000,000 rounds: seconds of server time for every sign-in the adding admin asks for.
		const costly = {
			...(await userAdded('pat.costly@contoso.example', 'x')),
			payload: {
				userId: newId(),
				email: 'pat.costly@contoso.example',
				fullName: 'Pat Costly',
				roles: ['salesAgent'],
				temporaryPassword: {
					hash: `pbkdf2-sha256$5000000$${'A'.repeat(22)}$${'B'.repeat(43)}`,
					expiresAt: Date.now() + TEMPORARY_PASSWORD_TTL_MS
				}
			}
		};
		doc.getArray('log').push([costly]);
		expect(await closed).toEqual({ code: 4400, reason: 'error_password_hash_invalid' });
		expect(await t.server.accounts.store.byEmail('pat.costly@contoso.example')).toBeUndefined();
	});

	it('refuses a new password that is common or leans on the user’s own name, with a specific code', async () => {
		const session = await t.signIn('admin@treyresearch.example');
		const change = (newPassword: string) =>
			fetch(`${t.url}/api/auth/change-password`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', cookie: session.cookie },
				body: JSON.stringify({ currentPassword: 'tiertwo-demo', newPassword })
			});
		for (const [password, code] of [
			['short-one', 'auth_password_too_short'],
			['password1234', 'auth_password_too_common'],
			['treyresearchadmin', 'auth_password_personal']
		] as const) {
			const response = await change(password);
			expect(response.status).toBe(400);
			expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
		}
		expect((await change('violet harbor lantern forty two')).status).toBe(204);
	});

	it('refuses a new password made mostly of the user’s name, email, org name or tenant domain', async () => {
		const session = await t.signIn('admin@contoso.example');
		const doc = new Y.Doc();
		const provider = t.provider('org/contoso', session, doc);
		await waitForSync(provider);
		const temporary = generateTemporaryPassword();
		doc.getArray('log').push([await userAdded('yuki@contoso.example', temporary, 'Yuki Tanaka')]);
		await waitForAsync(
			async () => (await t.server.accounts.store.byEmail('yuki@contoso.example')) !== undefined,
			5000,
			'the account'
		);
		provider.destroy();
		const { cookie } = cookiesFrom(await signIn('yuki@contoso.example', temporary));
		const change = (newPassword: string) =>
			fetch(`${t.url}/api/auth/change-password`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', cookie },
				body: JSON.stringify({ currentPassword: temporary, newPassword })
			});
		// Name parts with digits; the org's name (Contoso IT Services); its tenant (contoso.example).
		for (const password of ['yukitanaka12', 'ContosoServices9', 'contoso-example-77']) {
			const response = await change(password);
			expect(response.status).toBe(400);
			expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
				'auth_password_personal'
			);
		}
		expect((await change('yuki likes violet harbor lanterns')).status).toBe(204);
	});
});

describe('last sign-in of an org’s users', () => {
	it('is told to those who manage users, for their own org only', async () => {
		await t.signIn('sales@contoso.example');
		const admin = await t.signIn('admin@contoso.example');
		const response = await fetch(`${t.url}/api/auth/org-sign-ins`, {
			headers: { cookie: admin.cookie }
		});
		expect(response.status).toBe(200);
		const { users } = (await response.json()) as {
			users: { userId: string; lastSignInAt: string | null }[];
		};
		const byId = new Map(users.map((user) => [user.userId, user.lastSignInAt]));
		expect(Date.parse(byId.get('contoso-sales') ?? '')).toBeGreaterThan(Date.now() - 60_000);
		expect(byId.has('contoso-billing')).toBe(true);
		expect(byId.has('northwind-admin')).toBe(false);

		const sales = await t.signIn('sales@contoso.example');
		const refused = await fetch(`${t.url}/api/auth/org-sign-ins`, {
			headers: { cookie: sales.cookie }
		});
		expect(refused.status).toBe(403);
		expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
			'auth_capability_missing'
		);
	});
});
