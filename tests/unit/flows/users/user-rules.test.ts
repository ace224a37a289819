// The documentation's rules for an org's users and roles, as projections of the org document's
// log: each case would fail if its rule were dropped.
import { describe, expect, it } from 'vitest';
import { DAY, SYSTEM, T0, userAdded } from '../../factories';
import { orgLog, PROVIDER, providerAdmin } from '../scenarios';
import { codes, org, providerRef } from '../states';

describe('users and roles', () => {
	it('adds a user awaiting first sign-in with a temporary password, active once it is changed', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.added', providerAdmin, userAdded('sam', ['salesAgent']));
		expect(org(providerRef, log).users.sam).toMatchObject({
			status: 'awaitingFirstSignIn',
			temporaryPasswordExpiresAt: T0 + 14 * DAY
		});
		push('user.passwordChanged', SYSTEM, { userId: 'sam' });
		expect(org(providerRef, log).users.sam).toMatchObject({
			status: 'active',
			temporaryPasswordHash: null
		});
	});

	it('refuses a second user with the same email address, whatever its case', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push(
			'user.added',
			providerAdmin,
			userAdded('sam', ['salesAgent'], { email: 'sam@fabrikam.example' })
		);
		push(
			'user.added',
			providerAdmin,
			userAdded('sam2', ['salesAgent'], { email: 'SAM@fabrikam.example' })
		);
		const state = org(providerRef, log);
		expect(state.users.sam2).toBeUndefined();
		expect(codes(state)).toEqual(['error_email_taken']);
	});

	it.each([
		['removed', 'user.removed'],
		['disabled', 'user.disabled']
	] as const)('never lets the last Global admin be %s', (_, type) => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push(type, providerAdmin, { userId: 'pat' });
		expect(codes(org(providerRef, log))).toEqual(['error_last_global_admin']);
		push('user.added', providerAdmin, userAdded('gia', ['globalAdmin']));
		push('user.passwordChanged', SYSTEM, { userId: 'gia' });
		push(type, providerAdmin, { userId: 'pat' });
		expect(org(providerRef, log).users.pat?.status).toBe(
			type === 'user.removed' ? 'removed' : 'disabled'
		);
	});

	it('never demotes the last Global admin', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.rolesChanged', providerAdmin, { userId: 'pat', roles: ['adminAgent'] });
		const state = org(providerRef, log);
		expect(state.users.pat?.roles).toEqual(['globalAdmin']);
		expect(codes(state)).toEqual(['error_last_global_admin']);
	});

	it('lets only a Global admin grant Global admin', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.added', providerAdmin, userAdded('uma', ['userManagementAdmin']));
		const uma = { userId: 'uma', orgId: PROVIDER };
		push('user.added', uma, userAdded('sam', ['salesAgent']));
		push('user.added', uma, userAdded('eve', ['globalAdmin']));
		const state = org(providerRef, log);
		expect(Object.keys(state.users).sort()).toEqual(['pat', 'sam', 'uma']);
		expect(codes(state)).toEqual(['error_global_admin_required']);
	});

	it('judges an author by the roles the log gives them at that point (a demoted admin’s later edit loses)', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.added', providerAdmin, userAdded('uma', ['userManagementAdmin']));
		push('user.rolesChanged', providerAdmin, { userId: 'uma', roles: ['salesAgent'] });
		push('user.added', { userId: 'uma', orgId: PROVIDER }, userAdded('sam', ['salesAgent']));
		expect(codes(org(providerRef, log))).toEqual(['error_missing_capability']);
	});

	it('re-enables a user into the step they had reached', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.added', providerAdmin, userAdded('sam', ['salesAgent']));
		push('user.disabled', providerAdmin, { userId: 'sam' });
		push('user.enabled', providerAdmin, { userId: 'sam' });
		expect(org(providerRef, log).users.sam?.status).toBe('awaitingFirstSignIn');
		push('user.passwordChanged', SYSTEM, { userId: 'sam' });
		push('user.disabled', providerAdmin, { userId: 'sam' });
		push('user.enabled', providerAdmin, { userId: 'sam' });
		expect(org(providerRef, log).users.sam?.status).toBe('active');
	});
});
