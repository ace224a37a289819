// User management rules at the server's door (checkAppend, as the device checks them too): the last
// Global admin is never removed, disabled or demoted, and temporary passwords arrive only as
// device-made PBKDF2 hashes.
import { describe, expect, it } from 'vitest';
import { orgUserRows } from '$lib/db/read-models/org-users';
import type { OrgDocumentState } from '$lib/flows/documents/document-state';
import { losesLastGlobalAdmin } from '$lib/flows/users/org-queries';
import { checkAppend } from '$lib/flows/documents/append-gate';
import { SYSTEM, userAdded } from '../../factories';
import { orgLog, project, PROVIDER, providerAdmin } from '../scenarios';

const ref = { kind: 'org', orgId: PROVIDER } as const;
const admin = { ...providerAdmin, roles: ['globalAdmin'] as const };

function state(log: readonly unknown[]): OrgDocumentState {
	const projected = project(ref, log);
	if (projected.kind !== 'org') throw new Error('expected an org projection');
	return projected;
}

describe('the last Global admin', () => {
	it.each([
		['removed', 'user.removed', { userId: 'pat' }],
		['disabled', 'user.disabled', { userId: 'pat' }],
		['demoted', 'user.rolesChanged', { userId: 'pat', roles: ['adminAgent'] }]
	] as const)('is never %s, even by themselves', (_, type, payload) => {
		const { log, event } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		const check = checkAppend(ref, state(log), event(type, providerAdmin, payload), admin);
		expect(check).toMatchObject({ ok: false, code: 'error_last_global_admin' });
	});

	it('may be demoted once another Global admin is active', () => {
		const { log, push, event } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.added', providerAdmin, userAdded('gia', ['globalAdmin']));
		const demote = () =>
			event('user.rolesChanged', providerAdmin, { userId: 'pat', roles: ['adminAgent'] });
		// A Global admin who has not signed in yet does not count: they may never do so.
		expect(checkAppend(ref, state(log), demote(), admin)).toMatchObject({
			ok: false,
			code: 'error_last_global_admin'
		});
		push('user.passwordChanged', SYSTEM, { userId: 'gia' });
		expect(checkAppend(ref, state(log), demote(), admin)).toMatchObject({ ok: true });
	});

	it.each([
		{ others: 'no other Global admin', gia: false, signedIn: false, refused: true },
		{ others: 'another not signed in yet', gia: true, signedIn: false, refused: true },
		{ others: 'another active one', gia: true, signedIn: true, refused: false }
	])(
		'is the same rule on User management’s rows as at the door, with $others',
		({ gia, signedIn, refused }) => {
			const { log, push, event } = orgLog(PROVIDER, 'indirectProvider', 'pat');
			if (gia) push('user.added', providerAdmin, userAdded('gia', ['globalAdmin']));
			if (signedIn) push('user.passwordChanged', SYSTEM, { userId: 'gia' });
			const projected = state(log);
			// What the user detail page reads: the read model's rows, by id.
			const rows = orgUserRows(projected, 'org/provider');
			const users = Object.fromEntries(rows.map((row) => [row.userId, row]));
			expect(losesLastGlobalAdmin({ users }, 'pat', null)).toBe(refused);
			const remove = event('user.removed', providerAdmin, { userId: 'pat' });
			expect(checkAppend(ref, projected, remove, admin).ok).toBe(!refused);
		}
	);

	it('keeps the role when other roles change', () => {
		const { log, event } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		const change = event('user.rolesChanged', providerAdmin, {
			userId: 'pat',
			roles: ['globalAdmin', 'adminAgent']
		});
		expect(checkAppend(ref, state(log), change, admin)).toMatchObject({ ok: true });
	});
});

describe('temporary password hashes', () => {
	it.each([
		['a scrypt hash (made on a server)', `scrypt$15$8$1$${'A'.repeat(22)}$${'B'.repeat(43)}`],
		['too few PBKDF2 rounds', `pbkdf2-sha256$1000$${'A'.repeat(22)}$${'B'.repeat(43)}`],
		// The adding device does not choose the cost of the new user's every sign-in.
		[
			'more PBKDF2 rounds than the standard',
			`pbkdf2-sha256$5000000$${'A'.repeat(22)}$${'B'.repeat(43)}`
		],
		[
			'fewer PBKDF2 rounds than the standard',
			`pbkdf2-sha256$100000$${'A'.repeat(22)}$${'B'.repeat(43)}`
		],
		['a short key', `pbkdf2-sha256$600000$${'A'.repeat(22)}$${'B'.repeat(20)}`],
		['no salt', `pbkdf2-sha256$600000$$${'B'.repeat(43)}`],
		['a plain password', 'hunter2-hunter2']
	])('refuses %s from a device', (_, hash) => {
		const { log, event } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		const added = event(
			'user.added',
			providerAdmin,
			userAdded('sam', ['salesAgent'], {
				temporaryPassword: { hash, expiresAt: Date.now() }
			})
		);
		expect(checkAppend(ref, state(log), added, admin)).toMatchObject({
			ok: false,
			code: 'error_password_hash_invalid'
		});
	});

	it('accepts a device-made PBKDF2-SHA256 hash', () => {
		const { log, event } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		const added = event('user.added', providerAdmin, userAdded('sam', ['salesAgent']));
		expect(checkAppend(ref, state(log), added, admin)).toMatchObject({ ok: true });
	});
});
