// Program standing (partner-standing.ts) and the server's gate that applies it (checkAppend with the
// partners' org documents): a reseller the program rejected or has not admitted yet acts as a partner
// in no document kind, whatever document it writes; withdrawals and its own users stay open.
import { describe, expect, it } from 'vitest';
import type { DocumentRef } from '$lib/domain/documents';
import type { EventType, PayloadOf } from '$lib/domain/events';
import {
	PARTNER_ACTIONS,
	partnerStanding,
	standingRefusal,
	standingRefusalFor
} from '$lib/flows/enrollment/partner-standing';
import { checkAppend, type AppendContext } from '$lib/flows/documents/append-gate';
import { type DocumentProjection } from '$lib/flows/documents/document-state';
import { createLog, SYSTEM, userAdded } from '../../factories';
import { SAMPLE_PAYLOADS } from '../samples';
import {
	customerAdmin,
	customerLog,
	customerRef,
	invitationPayload,
	orgLog,
	partnershipLog,
	partnershipRef,
	project,
	PROVIDER,
	providerAdmin,
	RESELLER,
	resellerAdmin,
	resellerLinksRef,
	reviewer
} from '../scenarios';

const resellerRef = { kind: 'org', orgId: RESELLER } as const;
const providerRef = { kind: 'org', orgId: PROVIDER } as const;

type Standing = 'enrolled' | 'enrolledUnderReview' | 'rejected' | 'notApplied' | 'approved';

/** The reseller's org document as the program left it. */
function resellerOrg(standing: Standing) {
	const enrolled = standing !== 'notApplied' && standing !== 'approved';
	const builder = orgLog(RESELLER, 'indirectReseller', 'rio', {
		alreadyEnrolledInCsp: enrolled,
		mpnId: enrolled ? '1234567' : null
	});
	const { push } = builder;
	if (standing === 'approved') {
		push('enrollment.mpnLinked', SYSTEM, SAMPLE_PAYLOADS['enrollment.mpnLinked']);
		push('enrollment.submitted', resellerAdmin, SAMPLE_PAYLOADS['enrollment.submitted']);
		push('enrollment.emailVerified', SYSTEM, {});
		push('enrollment.approved', reviewer, {});
	} else if (standing !== 'enrolled' && standing !== 'notApplied') {
		push('enrollment.submitted', resellerAdmin, {
			track: 'alreadyEnrolled',
			support: { email: 'help@contoso.com' }
		});
		if (standing === 'rejected') {
			push('enrollment.rejected', reviewer, SAMPLE_PAYLOADS['enrollment.rejected']);
		}
	}
	return project(resellerRef, builder.log);
}

/** A reseller whose application is still "Email verification pending". */
function pendingReseller() {
	const builder = orgLog(RESELLER, 'indirectReseller', 'rio');
	builder.push('enrollment.mpnLinked', SYSTEM, SAMPLE_PAYLOADS['enrollment.mpnLinked']);
	builder.push('enrollment.submitted', resellerAdmin, SAMPLE_PAYLOADS['enrollment.submitted']);
	const state = project(resellerRef, builder.log);
	if (state.kind !== 'org') throw new Error('org');
	expect(state.enrollment.status).toBe('emailVerificationPending');
	return state;
}

const provider = project(providerRef, orgLog(PROVIDER, 'indirectProvider', 'pat').log);

/** The append context the server gives: the partners' org documents, with this reseller's. */
function related(reseller: DocumentProjection): AppendContext {
	return {
		related: (ref: DocumentRef) =>
			ref.kind === 'org' && ref.orgId === RESELLER
				? reseller
				: ref.kind === 'org' && ref.orgId === PROVIDER
					? provider
					: undefined
	};
}

let counter = 0;
function event<T extends EventType>(
	type: T,
	by: { userId: string; orgId: string },
	payload: PayloadOf<T>
) {
	counter += 1;
	return createLog(`gate${counter}`).event(type, by, payload);
}

const ADMIN = (by: { userId: string; orgId: string }) => ({
	...by,
	roles: ['globalAdmin'] as const
});

describe('partnerStanding', () => {
	it('admits a reseller already enrolled in CSP, under review or not, and an approved one', () => {
		expect(partnerStanding(resellerOrg('enrolled'))).toBe('admitted');
		expect(partnerStanding(resellerOrg('enrolledUnderReview'))).toBe('admitted');
		expect(partnerStanding(resellerOrg('approved'))).toBe('admitted');
	});

	it('tells a rejected reseller from one the program has not admitted yet', () => {
		expect(partnerStanding(resellerOrg('rejected'))).toBe('rejected');
		expect(partnerStanding(pendingReseller())).toBe('pending');
		expect(partnerStanding(resellerOrg('notApplied'))).toBe('pending');
		expect(standingRefusal('rejected')).toBe('error_partner_rejected');
		expect(standingRefusal('pending')).toBe('error_partner_pending');
		expect(standingRefusal('admitted')).toBeNull();
	});

	it('admits the other org kinds, and counts an org with no document as not admitted', () => {
		expect(partnerStanding(provider)).toBe('admitted');
		expect(partnerStanding(undefined)).toBe('pending');
		expect(partnerStanding(project(resellerRef, []))).toBe('pending');
	});

	it('gates only the partner actions, never withdrawals or a reseller’s own users', () => {
		expect(Object.keys(PARTNER_ACTIONS).sort()).toEqual(
			[
				'invitation.created',
				'license.assigned',
				'license.unassigned',
				'order.submitted',
				'partnership.authorized',
				'relationship.accepted',
				'tenantUser.added',
				'tenantUser.removed'
			].sort()
		);
	});
});

describe('the gate (checkAppend with the partners’ org documents)', () => {
	const cases = [
		['rejected', () => resellerOrg('rejected'), 'error_partner_rejected'],
		['pending', () => pendingReseller(), 'error_partner_pending']
	] as const;

	for (const [name, org, code] of cases) {
		it(`refuses a ${name} reseller’s customer link in its invitations document`, () => {
			const state = org();
			// The standing is read from the reseller's org document, given beside its links.
			const links = project(resellerLinksRef, []);
			const invite = event('invitation.created', resellerAdmin, {
				...invitationPayload('inv-c9', 'customer')
			});
			expect(
				checkAppend(resellerLinksRef, links, invite, ADMIN(resellerAdmin), related(state))
			).toEqual(expect.objectContaining({ ok: false, code }));
			// Revoking a link it sent is a withdrawal: still allowed.
			const revoke = event('invitation.revoked', resellerAdmin, { invitationId: 'inv-c9' });
			expect(
				checkAppend(resellerLinksRef, links, revoke, ADMIN(resellerAdmin), related(state))
			).toMatchObject({ ok: true });
			// Its own users are not partner actions.
			const add = event('user.added', resellerAdmin, userAdded('sam', ['salesAgent']));
			expect(
				checkAppend(resellerRef, state, add, ADMIN(resellerAdmin), related(state))
			).toMatchObject({ ok: true });
		});

		it(`refuses a ${name} reseller authorizing its indirect provider`, () => {
			const state = project(partnershipRef, partnershipLog().log);
			const authorize = event('partnership.authorized', resellerAdmin, { acknowledged: true });
			expect(
				checkAppend(partnershipRef, state, authorize, ADMIN(resellerAdmin), related(org()))
			).toEqual(expect.objectContaining({ ok: false, code }));
		});

		it(`refuses a ${name} reseller’s orders and customer management, and its provider ordering for it`, () => {
			const state = project(customerRef, customerLog({ combined: true }).log);
			const lookup = related(org());
			const order = event('order.submitted', resellerAdmin, SAMPLE_PAYLOADS['order.submitted']);
			expect(checkAppend(customerRef, state, order, ADMIN(resellerAdmin), lookup)).toMatchObject({
				ok: false,
				code
			});
			const user = event('tenantUser.added', resellerAdmin, SAMPLE_PAYLOADS['tenantUser.added']);
			expect(checkAppend(customerRef, state, user, ADMIN(resellerAdmin), lookup)).toMatchObject({
				ok: false,
				code
			});
			const forReseller = event('order.submitted', providerAdmin, {
				...SAMPLE_PAYLOADS['order.submitted'],
				onBehalfOf: RESELLER
			});
			expect(
				checkAppend(customerRef, state, forReseller, ADMIN(providerAdmin), lookup)
			).toMatchObject({ ok: false, code });
			// Ending the relationship is a withdrawal.
			const end = event('relationship.ended', resellerAdmin, {
				relationshipId: 'rel-1',
				scope: 'all'
			});
			expect(checkAppend(customerRef, state, end, ADMIN(resellerAdmin), lookup)).toMatchObject({
				ok: true
			});
		});

		it(`refuses a customer accepting a ${name} reseller’s pending request`, () => {
			const state = project(customerRef, customerLog({ accepted: false }).log);
			const accept = event('relationship.accepted', customerAdmin, { relationshipId: 'rel-1' });
			expect(
				checkAppend(customerRef, state, accept, ADMIN(customerAdmin), related(org()))
			).toMatchObject({ ok: false, code });
			// The customer managing its own tenant is not a partner action.
			const accepted = project(customerRef, customerLog().log);
			const own = event('tenantUser.added', customerAdmin, SAMPLE_PAYLOADS['tenantUser.added']);
			expect(
				checkAppend(customerRef, accepted, own, ADMIN(customerAdmin), related(org()))
			).toMatchObject({ ok: true });
		});
	}

	it('lets an admitted reseller act, and fails closed when the partner’s org document is unknown', () => {
		const state = project(partnershipRef, partnershipLog().log);
		const authorize = event('partnership.authorized', resellerAdmin, { acknowledged: true });
		const admitted = resellerOrg('enrolledUnderReview');
		expect(
			checkAppend(partnershipRef, state, authorize, ADMIN(resellerAdmin), related(admitted))
		).toMatchObject({ ok: true });
		const invite = event(
			'invitation.created',
			resellerAdmin,
			invitationPayload('inv-c9', 'customer')
		);
		expect(
			checkAppend(
				resellerLinksRef,
				project(resellerLinksRef, []),
				invite,
				ADMIN(resellerAdmin),
				related(admitted)
			)
		).toMatchObject({ ok: true });
		expect(standingRefusalFor(partnershipRef, state, authorize as never, () => undefined)).toBe(
			'error_partner_pending'
		);
	});
});
