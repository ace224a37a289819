// The documentation's rules for invitation links, as projections of the inviting org's invitations
// log (and, for what only the org document knows, its kind, the door given that document): each
// case would fail if its rule were dropped.
import { describe, expect, it } from 'vitest';
import type { DocumentRef } from '$lib/domain/documents';
import { checkAppend } from '$lib/flows/documents/append-gate';
import type { OrgDocumentState } from '$lib/flows/documents/document-state';
import { DAY, SYSTEM, T0 } from '../../factories';
import {
	invitationPayload,
	invitationsLog,
	orgLog,
	PROVIDER,
	providerAdmin,
	providerLinksRef,
	RESELLER,
	resellerAdmin,
	resellerLinksRef
} from '../scenarios';
import { codes, invitations, org, providerRef, resellerRef } from '../states';

describe('invitation links', () => {
	it('lets a provider invite resellers but not customers, and a reseller customers but not resellers', () => {
		const orgs: Record<string, OrgDocumentState> = {
			[PROVIDER]: org(providerRef, orgLog(PROVIDER, 'indirectProvider', 'pat').log),
			// admitted by the program (a reseller's customer link is a partner action)
			[RESELLER]: org(
				resellerRef,
				orgLog(RESELLER, 'indirectReseller', 'rio', {
					alreadyEnrolledInCsp: true,
					mpnId: '1234567'
				}).log
			)
		};
		// The org's kind is in its org document: the server's door reads it there.
		const context = {
			related: (ref: DocumentRef) => (ref.kind === 'org' ? orgs[ref.orgId] : undefined)
		};
		const cases = [
			[providerLinksRef, providerAdmin, 'reseller', null],
			[providerLinksRef, providerAdmin, 'customer', 'error_wrong_org_kind'],
			[resellerLinksRef, resellerAdmin, 'customer', null],
			[resellerLinksRef, resellerAdmin, 'reseller', 'error_wrong_org_kind']
		] as const;
		for (const [ref, by, kind, code] of cases) {
			const { event } = invitationsLog(ref.orgId);
			const created = event('invitation.created', by, invitationPayload('inv-1', kind));
			const state = invitations(ref, []);
			const check = checkAppend(ref, state, created, { ...by, roles: ['globalAdmin'] }, context);
			expect(check, `${ref.orgId} sends a ${kind} link`).toMatchObject(
				code === null ? { ok: true } : { ok: false, code }
			);
		}
	});

	it('lets whichever of revocation and redemption comes first in the log win', () => {
		const revokedFirst = invitationsLog(PROVIDER);
		revokedFirst.push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		revokedFirst.push('invitation.revoked', providerAdmin, { invitationId: 'inv-1' });
		revokedFirst.push('invitation.redeemed', SYSTEM, { invitationId: 'inv-1', orgId: RESELLER });
		const a = invitations(providerLinksRef, revokedFirst.log);
		expect(a.invitations['inv-1']?.status).toBe('revoked');
		expect(codes(a)).toEqual(['error_invitation_revoked']);

		const redeemedFirst = invitationsLog(PROVIDER);
		redeemedFirst.push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		redeemedFirst.push('invitation.redeemed', SYSTEM, { invitationId: 'inv-1', orgId: RESELLER });
		redeemedFirst.push('invitation.revoked', providerAdmin, { invitationId: 'inv-1' });
		const b = invitations(providerLinksRef, redeemedFirst.log);
		expect(b.invitations['inv-1']).toMatchObject({ status: 'redeemed', redeemedBy: RESELLER });
		expect(codes(b)).toEqual(['error_invitation_redeemed']);
	});

	it('marks a redemption after the expiry superseded and the invitation expired', () => {
		const { log, push } = invitationsLog(PROVIDER);
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
		const state = invitations(providerLinksRef, log);
		expect(state.invitations['inv-1']?.status).toBe('expired');
		expect(codes(state)).toEqual(['error_invitation_expired']);
	});

	it('refuses a redemption written by anyone but the server', () => {
		const { log, push } = invitationsLog(PROVIDER);
		push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		push('invitation.redeemed', providerAdmin, { invitationId: 'inv-1', orgId: RESELLER });
		expect(codes(invitations(providerLinksRef, log))).toEqual(['error_system_only']);
	});

	it('refuses a link written in another org’s invitations document', () => {
		const { log, push } = invitationsLog(PROVIDER);
		push('invitation.created', resellerAdmin, invitationPayload('inv-1', 'customer'));
		const state = invitations(providerLinksRef, log);
		expect(state.invitations).toEqual({});
		expect(codes(state)).toEqual(['error_not_a_party']);
	});
});

describe('links kept in an org document before they had their own', () => {
	function legacyEvents(push: ReturnType<typeof orgLog>['push']) {
		push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		push('invitation.created', providerAdmin, invitationPayload('inv-2'));
		push('invitation.addressed', providerAdmin, {
			invitationId: 'inv-1',
			recipient: 'partners@adatum.example'
		});
		push('invitation.revoked', providerAdmin, { invitationId: 'inv-2' });
		push('invitation.redeemed', SYSTEM, { invitationId: 'inv-1', orgId: RESELLER });
		// once refused, now passed over like the rest: a second redemption, a revocation after it
		push('invitation.redeemed', SYSTEM, { invitationId: 'inv-1', orgId: 'x' });
		push('invitation.revoked', providerAdmin, { invitationId: 'inv-1' });
	}

	it('projects them in the org document as nothing: neither applied nor superseded', () => {
		const plain = org(providerRef, orgLog(PROVIDER, 'indirectProvider', 'pat').log);
		const builder = orgLog(PROVIDER, 'indirectProvider', 'pat');
		legacyEvents(builder.push);
		const state = org(providerRef, builder.log);
		expect(state.length).toBe(builder.log.length);
		expect(state.superseded).toEqual([]);
		expect(state.invalid).toEqual([]);
		expect('invitations' in state).toBe(false);
		// Their ids stay claimed (no later org event takes one) ...
		const legacyIds = builder.log.slice(plain.length).map((entry) => (entry as { id: string }).id);
		for (const id of legacyIds) {
			expect(
				[...state.claimed].some((key) => key.endsWith(id)),
				id
			).toBe(true);
		}
		// ... and apart from that and the length of its log, it is the org document without them.
		expect({ ...state, length: 0, claimed: null }).toEqual({ ...plain, length: 0, claimed: null });
	});

	it('projects the same events in the org’s invitations document', () => {
		const builder = invitationsLog(PROVIDER);
		legacyEvents(builder.push);
		const state = invitations(providerLinksRef, builder.log);
		expect(state.invitations['inv-1']).toMatchObject({
			status: 'redeemed',
			redeemedBy: RESELLER,
			recipient: 'partners@adatum.example'
		});
		expect(state.invitations['inv-2']?.status).toBe('revoked');
		expect(codes(state)).toEqual(['error_invitation_redeemed', 'error_invitation_redeemed']);
	});
});
