// Whether a link can be opened and redeemed: each documentation rule the server applies before it
// writes `invitation.redeemed`, decided from the inviting org's invitations projection and the clock.
import { describe, expect, it } from 'vitest';
import type { Role } from '$lib/domain/permissions';
import type {
	CustomerDocumentState,
	InvitationsDocumentState,
	PartnershipDocumentState
} from '$lib/flows/documents/document-state';
import {
	customerRedemptionRefusal,
	hasLiveRelationship,
	invitationClosedReason,
	invitationWithHash,
	isCustomerInvitation,
	newCustomerRefusal,
	redemptionRefusal,
	type CustomerRedemptionContext,
	type RedemptionContext
} from '$lib/flows/partnership/invitation-redemption';
import { DAY, HASH, SYSTEM, T0 } from '../../factories';
import {
	CUSTOMER,
	customerAdmin,
	customerLog,
	customerRef,
	invitationPayload,
	invitationsLog,
	partnershipLog,
	partnershipRef,
	project,
	PROVIDER,
	providerAdmin,
	providerLinksRef,
	RESELLER,
	resellerAdmin,
	resellerLinksRef
} from '../scenarios';
import { invitations } from '../states';

/** The provider's invitations document, with its reseller link `inv-1`. */
function providerLinks(
	extend: (push: ReturnType<typeof invitationsLog>['push']) => void = () => {}
) {
	const builder = invitationsLog(PROVIDER);
	builder.push('invitation.created', providerAdmin, invitationPayload('inv-1'));
	extend(builder.push);
	return invitations(providerLinksRef, builder.log);
}

function invitationOf(state: InvitationsDocumentState) {
	const invitation = invitationWithHash(state, 'inv-1', HASH);
	if (!invitation) throw new Error('no invitation');
	return invitation;
}

const ADMIN: readonly Role[] = ['globalAdmin'];

function context(over: Partial<RedemptionContext> = {}): RedemptionContext {
	return {
		invitation: invitationOf(providerLinks()),
		inviterOrgId: PROVIDER,
		redeemerOrgId: RESELLER,
		redeemerOrgKind: 'indirectReseller',
		redeemerRoles: ADMIN,
		redeemerStanding: 'admitted',
		partnership: undefined,
		now: T0 + DAY,
		...over
	};
}

function partnership(extend: (push: ReturnType<typeof partnershipLog>['push']) => void) {
	const builder = partnershipLog();
	extend(builder.push);
	return project(partnershipRef, builder.log) as PartnershipDocumentState;
}

describe('opening an invitation link', () => {
	it('finds an invitation only when its stored hash is the link’s', () => {
		const state = providerLinks();
		expect(invitationWithHash(state, 'inv-1', HASH)?.invitationId).toBe('inv-1');
		expect(invitationWithHash(state, 'inv-1', 'b'.repeat(64))).toBeNull();
		expect(invitationWithHash(state, 'inv-2', HASH)).toBeNull();
	});

	it('is open while pending and before its expiry, by the reader’s clock', () => {
		const invitation = invitationOf(providerLinks());
		expect(invitationClosedReason(invitation, invitation.expiresAt)).toBeNull();
		expect(invitationClosedReason(invitation, invitation.expiresAt + 1)).toBe('expired');
	});

	it('says why a closed link is closed', () => {
		const revoked = providerLinks((push) =>
			push('invitation.revoked', providerAdmin, { invitationId: 'inv-1' })
		);
		expect(invitationClosedReason(invitationOf(revoked), T0)).toBe('revoked');
		const used = providerLinks((push) =>
			push('invitation.redeemed', SYSTEM, { invitationId: 'inv-1', orgId: RESELLER })
		);
		expect(invitationClosedReason(invitationOf(used), T0)).toBe('used');
		const late = providerLinks((push) =>
			push(
				'invitation.redeemed',
				SYSTEM,
				{ invitationId: 'inv-1', orgId: RESELLER },
				{ at: T0 + 30 * DAY }
			)
		);
		expect(invitationClosedReason(invitationOf(late), T0)).toBe('expired');
	});
});

describe('redeeming a reseller invitation', () => {
	it('lets a reseller’s Global admin redeem an open link', () => {
		expect(redemptionRefusal(context())).toBeNull();
		expect(redemptionRefusal(context({ redeemerRoles: ['adminAgent'] }))).toBeNull();
	});

	it('refuses a closed link before anything else', () => {
		const ctx = context({ redeemerOrgKind: 'customer' });
		expect(redemptionRefusal({ ...ctx, now: ctx.invitation.expiresAt + 1 })).toBe('expired');
	});

	it('needs an indirect reseller other than the inviting org', () => {
		expect(redemptionRefusal(context({ redeemerOrgKind: 'indirectProvider' }))).toBe(
			'wrongOrgKind'
		);
		expect(redemptionRefusal(context({ redeemerOrgKind: 'customer' }))).toBe('wrongOrgKind');
		expect(redemptionRefusal(context({ redeemerOrgKind: null }))).toBe('wrongOrgKind');
		expect(redemptionRefusal(context({ redeemerOrgId: PROVIDER }))).toBe('wrongOrgKind');
	});

	it('needs a reseller the program admitted (rejected and pending are told apart)', () => {
		expect(redemptionRefusal(context({ redeemerStanding: 'rejected' }))).toBe('partnerRejected');
		expect(redemptionRefusal(context({ redeemerStanding: 'pending' }))).toBe('partnerPending');
	});

	it('needs a role that may manage partnerships', () => {
		expect(redemptionRefusal(context({ redeemerRoles: ['salesAgent'] }))).toBe('capabilityMissing');
		expect(redemptionRefusal(context({ redeemerRoles: [] }))).toBe('capabilityMissing');
	});

	it('refuses a second link while the partnership is live, and reopens an ended one', () => {
		const authorized = partnership((push) =>
			push('partnership.authorized', resellerAdmin, { acknowledged: true })
		);
		expect(redemptionRefusal(context({ partnership: authorized }))).toBe('alreadyPartnered');
		const removed = partnership((push) => {
			push('partnership.authorized', resellerAdmin, { acknowledged: true });
			push('partnership.adminAccessRemoved', resellerAdmin, {});
		});
		expect(redemptionRefusal(context({ partnership: removed }))).toBe('alreadyPartnered');
		const pending = partnership(() => {});
		expect(redemptionRefusal(context({ partnership: pending }))).toBeNull();
		const ended = partnership((push) => {
			push('partnership.authorized', resellerAdmin, { acknowledged: true });
			push('partnership.ended', providerAdmin, {});
		});
		expect(redemptionRefusal(context({ partnership: ended }))).toBeNull();
	});

	it('leaves customer invitations to their own rules', () => {
		const builder = invitationsLog(RESELLER);
		builder.push('invitation.created', resellerAdmin, invitationPayload('inv-1', 'customer'));
		const state = invitations(resellerLinksRef, builder.log);
		expect(
			redemptionRefusal(
				context({
					invitation: invitationOf(state),
					inviterOrgId: RESELLER,
					redeemerOrgId: 'tailspin',
					redeemerOrgKind: 'customer'
				})
			)
		).toBe('kindUnsupported');
	});
});

describe('customer links', () => {
	function resellerLinks(combined = false) {
		const builder = invitationsLog(RESELLER);
		builder.push(
			'invitation.created',
			resellerAdmin,
			combined
				? {
						invitationId: 'inv-1',
						kind: 'customerWithProvider',
						providerId: PROVIDER,
						tokenHash: HASH,
						expiresAt: T0 + 7 * DAY
					}
				: invitationPayload('inv-1', 'customer')
		);
		return invitations(resellerLinksRef, builder.log);
	}

	function livePartnership() {
		return partnership((push) =>
			push('partnership.authorized', resellerAdmin, { acknowledged: true })
		);
	}

	function customerContext(
		over: Partial<CustomerRedemptionContext> = {}
	): CustomerRedemptionContext {
		return {
			invitation: invitationOf(resellerLinks()),
			inviterOrgId: RESELLER,
			inviterCountry: 'JP',
			inviterStanding: 'admitted',
			redeemerOrgId: CUSTOMER,
			redeemerOrgKind: 'customer',
			redeemerCountry: 'JP',
			redeemerRoles: ADMIN,
			customer: undefined,
			partnership: undefined,
			now: T0 + DAY,
			...over
		};
	}

	it('refuses a link from a reseller the program rejected or has not admitted yet', () => {
		expect(customerRedemptionRefusal(customerContext({ inviterStanding: 'rejected' }))).toBe(
			'partnerRejected'
		);
		expect(customerRedemptionRefusal(customerContext({ inviterStanding: 'pending' }))).toBe(
			'partnerPending'
		);
	});

	it('lets a customer Global admin answer an open link', () => {
		expect(customerRedemptionRefusal(customerContext())).toBeNull();
		expect(isCustomerInvitation('customer')).toBe(true);
		expect(isCustomerInvitation('customerWithProvider')).toBe(true);
		expect(isCustomerInvitation('reseller')).toBe(false);
	});

	it('refuses closed links first', () => {
		expect(customerRedemptionRefusal(customerContext({ now: T0 + 8 * DAY }))).toBe('expired');
	});

	it('refuses resellers and providers opening a customer link, and the reseller itself', () => {
		expect(
			customerRedemptionRefusal(customerContext({ redeemerOrgKind: 'indirectReseller' }))
		).toBe('wrongOrgKind');
		expect(
			customerRedemptionRefusal(customerContext({ redeemerOrgKind: 'indirectProvider' }))
		).toBe('wrongOrgKind');
		expect(customerRedemptionRefusal(customerContext({ redeemerOrgKind: null }))).toBe(
			'wrongOrgKind'
		);
		expect(customerRedemptionRefusal(customerContext({ redeemerOrgId: RESELLER }))).toBe(
			'wrongOrgKind'
		);
	});

	it('needs respondToRelationships', () => {
		expect(customerRedemptionRefusal(customerContext({ redeemerRoles: ['helpdeskAgent'] }))).toBe(
			'capabilityMissing'
		);
	});

	it('keeps relationships within one country/market', () => {
		expect(customerRedemptionRefusal(customerContext({ redeemerCountry: 'US' }))).toBe(
			'countryMismatch'
		);
		expect(customerRedemptionRefusal(customerContext({ inviterCountry: null }))).toBe(
			'countryMismatch'
		);
	});

	it('refuses a customer with a live relationship with this reseller, not an ended one', () => {
		const live = project(customerRef, customerLog().log) as CustomerDocumentState;
		expect(customerRedemptionRefusal(customerContext({ customer: live }))).toBe('alreadyCustomer');
		const pending = project(
			customerRef,
			customerLog({ accepted: false }).log
		) as CustomerDocumentState;
		expect(customerRedemptionRefusal(customerContext({ customer: pending }))).toBeNull();
		const endedLog = customerLog();
		endedLog.push('relationship.ended', customerAdmin, { relationshipId: 'rel-1', scope: 'all' });
		const ended = project(customerRef, endedLog.log) as CustomerDocumentState;
		expect(hasLiveRelationship(ended, RESELLER)).toBe(false);
		expect(customerRedemptionRefusal(customerContext({ customer: ended }))).toBeNull();
	});

	it('needs a live reseller–provider partnership for a combined link', () => {
		const combined = invitationOf(resellerLinks(true));
		expect(customerRedemptionRefusal(customerContext({ invitation: combined }))).toBe(
			'partnershipNotLive'
		);
		expect(
			customerRedemptionRefusal(
				customerContext({ invitation: combined, partnership: partnership(() => {}) })
			)
		).toBe('partnershipNotLive');
		expect(
			customerRedemptionRefusal(
				customerContext({ invitation: combined, partnership: livePartnership() })
			)
		).toBeNull();
	});

	it('checks a new customer account against the link, the country and the partnership', () => {
		const base = {
			invitation: invitationOf(resellerLinks()),
			inviterCountry: 'JP',
			inviterStanding: 'admitted' as const,
			country: 'JP',
			partnership: undefined,
			now: T0 + DAY
		};
		expect(newCustomerRefusal(base)).toBeNull();
		expect(newCustomerRefusal({ ...base, inviterStanding: 'rejected' })).toBe('partnerRejected');
		expect(newCustomerRefusal({ ...base, inviterStanding: 'pending' })).toBe('partnerPending');
		expect(newCustomerRefusal({ ...base, country: 'US' })).toBe('countryMismatch');
		expect(newCustomerRefusal({ ...base, now: T0 + 8 * DAY })).toBe('expired');
		expect(newCustomerRefusal({ ...base, invitation: invitationOf(providerLinks()) })).toBe(
			'kindUnsupported'
		);
		const combined = invitationOf(resellerLinks(true));
		expect(newCustomerRefusal({ ...base, invitation: combined })).toBe('partnershipNotLive');
		expect(
			newCustomerRefusal({ ...base, invitation: combined, partnership: livePartnership() })
		).toBeNull();
	});
});
