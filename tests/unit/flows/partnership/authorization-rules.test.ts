// The documentation's rules for a provider's authorization by its reseller, as projections of the
// partnership document's log: each case would fail if its rule were dropped.
import { describe, expect, it } from 'vitest';
import { DAY, SYSTEM, T0 } from '../../factories';
import {
	customerAdmin,
	customerLog,
	partnershipLog,
	providerAdmin,
	resellerAdmin,
	reviewer
} from '../scenarios';
import { authorize, codes, customer, partnership } from '../states';

describe('provider authorization', () => {
	it('lists the partnership on both sides once the reseller authorizes the indirect provider', () => {
		const { log, push } = partnershipLog();
		expect(partnership(log).partnership).toMatchObject({ status: 'invited', adminAccess: false });
		push('partnership.authorized', resellerAdmin, authorize);
		expect(partnership(log).partnership).toMatchObject({ status: 'authorized', adminAccess: true });
	});

	it('removes only the provider’s admin access, then ends the partnership', () => {
		const { log, push } = partnershipLog();
		push('partnership.authorized', resellerAdmin, authorize);
		push('partnership.adminAccessRemoved', resellerAdmin, {});
		expect(partnership(log).partnership).toMatchObject({
			status: 'adminAccessRemoved',
			adminAccess: false
		});
		push('partnership.ended', providerAdmin, {});
		expect(partnership(log).partnership.status).toBe('ended');
	});

	it('resolves a revocation and an authorization made offline by log order, the loser superseded with why', () => {
		const revokedFirst = partnershipLog();
		revokedFirst.push('partnership.revoked', providerAdmin, {});
		revokedFirst.push('partnership.authorized', resellerAdmin, authorize);
		const a = partnership(revokedFirst.log);
		expect(a.partnership.status).toBe('revoked');
		expect(a.superseded).toMatchObject([
			{ type: 'partnership.authorized', code: 'error_partnership_revoked', by: resellerAdmin }
		]);

		const authorizedFirst = partnershipLog();
		authorizedFirst.push('partnership.authorized', resellerAdmin, authorize);
		authorizedFirst.push('partnership.revoked', providerAdmin, {});
		const b = partnership(authorizedFirst.log);
		expect(b.partnership.status).toBe('authorized');
		expect(b.superseded).toMatchObject([
			{ type: 'partnership.revoked', code: 'error_partnership_authorized', by: providerAdmin }
		]);
	});

	it('remembers, for a superseded change, the earlier applied change that decided it (who won)', () => {
		const revokedFirst = partnershipLog();
		revokedFirst.push('partnership.revoked', providerAdmin, {});
		revokedFirst.push('partnership.authorized', resellerAdmin, authorize);
		const revoked = revokedFirst.log.at(-2) as { id: string; at: string };
		expect(partnership(revokedFirst.log).superseded[0]?.decidedBy).toEqual({
			eventId: revoked.id,
			type: 'partnership.revoked',
			by: providerAdmin,
			at: revoked.at
		});

		// On a customer: the removal of a tenant user decides a later license assignment for them,
		// not an unrelated change made in between.
		const { log, push } = customerLog();
		push('tenantUser.added', resellerAdmin, {
			tenantUserId: 'tu-1',
			displayName: 'Pat',
			userName: 'pat@wingtip.example'
		});
		push('tenantUser.removed', customerAdmin, { tenantUserId: 'tu-1' });
		const removal = log.at(-1) as { id: string };
		push('tenantUser.added', resellerAdmin, {
			tenantUserId: 'tu-2',
			displayName: 'Sam',
			userName: 'sam@wingtip.example'
		});
		push('tenantUser.removed', resellerAdmin, { tenantUserId: 'tu-1' });
		const state = customer(log);
		expect(state.superseded).toHaveLength(1);
		expect(state.superseded[0]?.decidedBy).toMatchObject({
			eventId: removal.id,
			type: 'tenantUser.removed',
			by: customerAdmin
		});
		// A change nothing earlier touched has no decider.
		const lone = partnershipLog();
		lone.push('partnership.adminAccessRemoved', resellerAdmin, {});
		expect(partnership(lone.log).superseded).toHaveLength(1);
		expect(partnership(lone.log).superseded[0]?.decidedBy).toBeUndefined();
	});

	it('turns an authorization after the expiry into an expired invitation', () => {
		const { log, push } = partnershipLog(T0 + DAY);
		push('partnership.authorized', resellerAdmin, authorize, { at: T0 + 2 * DAY });
		const state = partnership(log);
		expect(state.partnership.status).toBe('expired');
		expect(codes(state)).toEqual(['error_invitation_expired']);
	});

	it('starts again with a new invitation after it ended', () => {
		const { log, push } = partnershipLog();
		push('partnership.authorized', resellerAdmin, authorize);
		push('partnership.ended', resellerAdmin, {});
		push('partnership.authorized', resellerAdmin, authorize);
		push('partnership.invited', SYSTEM, { invitationId: 'inv-2', expiresAt: T0 + 30 * DAY });
		push('partnership.authorized', resellerAdmin, authorize);
		const state = partnership(log);
		expect(state.partnership).toMatchObject({ status: 'authorized', invitationId: 'inv-2' });
		expect(codes(state)).toEqual(['error_partnership_ended']);
	});

	it('lets the reseller authorize and the provider revoke, not the other way round', () => {
		const { log, push } = partnershipLog();
		push('partnership.authorized', providerAdmin, authorize);
		push('partnership.revoked', resellerAdmin, {});
		push('partnership.authorized', reviewer, authorize);
		expect(codes(partnership(log))).toEqual([
			'error_not_a_party',
			'error_not_a_party',
			'error_not_a_party'
		]);
	});
});
