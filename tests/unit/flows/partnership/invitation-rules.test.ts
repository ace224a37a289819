// The documentation's rules for invitation links, as projections of the inviting org's log: each
// case would fail if its rule were dropped.
import { describe, expect, it } from 'vitest';
import { DAY, SYSTEM, T0 } from '../../factories';
import { invitationPayload, orgLog, PROVIDER, providerAdmin, RESELLER } from '../scenarios';
import { codes, org, providerRef } from '../states';

describe('invitation links', () => {
	it('lets a provider invite resellers but not customers', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		push('invitation.created', providerAdmin, invitationPayload('inv-2', 'customer'));
		const state = org(providerRef, log);
		expect(state.invitations['inv-1']?.status).toBe('pending');
		expect(state.invitations['inv-2']).toBeUndefined();
		expect(codes(state)).toEqual(['error_wrong_org_kind']);
	});

	it('lets whichever of revocation and redemption comes first in the log win', () => {
		const revokedFirst = orgLog(PROVIDER, 'indirectProvider', 'pat');
		revokedFirst.push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		revokedFirst.push('invitation.revoked', providerAdmin, { invitationId: 'inv-1' });
		revokedFirst.push('invitation.redeemed', SYSTEM, { invitationId: 'inv-1', orgId: RESELLER });
		const a = org(providerRef, revokedFirst.log);
		expect(a.invitations['inv-1']?.status).toBe('revoked');
		expect(codes(a)).toEqual(['error_invitation_revoked']);

		const redeemedFirst = orgLog(PROVIDER, 'indirectProvider', 'pat');
		redeemedFirst.push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		redeemedFirst.push('invitation.redeemed', SYSTEM, { invitationId: 'inv-1', orgId: RESELLER });
		redeemedFirst.push('invitation.revoked', providerAdmin, { invitationId: 'inv-1' });
		const b = org(providerRef, redeemedFirst.log);
		expect(b.invitations['inv-1']).toMatchObject({ status: 'redeemed', redeemedBy: RESELLER });
		expect(codes(b)).toEqual(['error_invitation_redeemed']);
	});

	it('marks a redemption after the expiry superseded and the invitation expired', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('invitation.created', providerAdmin, {
			...invitationPayload('inv-1'),
			expiresAt: T0 + DAY
		});
		push(
			'invitation.redeemed',
			SYSTEM,
			{ invitationId: 'inv-1', orgId: RESELLER },
			{ at: T0 + 2 * DAY }
		);
		const state = org(providerRef, log);
		expect(state.invitations['inv-1']?.status).toBe('expired');
		expect(codes(state)).toEqual(['error_invitation_expired']);
	});

	it('refuses a redemption written by anyone but the server', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		push('invitation.redeemed', providerAdmin, { invitationId: 'inv-1', orgId: RESELLER });
		expect(codes(org(providerRef, log))).toEqual(['error_system_only']);
	});
});
