// The documentation's two-tier rules for partnerships, customer relationships, tenants and orders,
// as projections of logs: each case would fail if its rule were dropped.
import { describe, expect, it } from 'vitest';
import type {
	CustomerDocumentState,
	PartnershipDocumentState
} from '$lib/flows/documents/document-state';
import * as factories from '../factories';
import { DAY, SYSTEM, T0 } from '../factories';
import { SAMPLE_PAYLOADS } from './samples';
import {
	CUSTOMER,
	customerAdmin,
	customerLog,
	customerRef,
	partnershipLog,
	partnershipRef,
	project,
	PROVIDER,
	providerAdmin,
	RESELLER,
	resellerAdmin,
	reviewer
} from './scenarios';

function partnership(log: readonly unknown[]): PartnershipDocumentState {
	const state = project(partnershipRef, log);
	if (state.kind !== 'partnership') throw new Error('expected a partnership projection');
	return state;
}

function customer(log: readonly unknown[]): CustomerDocumentState {
	const state = project(customerRef, log);
	if (state.kind !== 'customer') throw new Error('expected a customer projection');
	return state;
}

const codes = (state: { superseded: { code: string }[] }) => state.superseded.map((s) => s.code);
const authorize = { acknowledged: true } as const;
const newSubscription = (quantity: number) =>
	({ kind: 'newSubscription', offerId: 'business-basic', term: 'annual', quantity }) as const;

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

describe('customer relationships', () => {
	it('makes the reseller the reseller of record once the customer accepts, never the provider', () => {
		const { log, push } = customerLog();
		push('order.submitted', providerAdmin, {
			orderId: 'o-1',
			onBehalfOf: RESELLER,
			lines: [newSubscription(5)]
		});
		const state = customer(log);
		expect(state.relationships['rel-1']).toMatchObject({
			status: 'active',
			resellerId: RESELLER,
			providerId: null
		});
		expect(state.orders['o-1']).toBeUndefined();
		expect(codes(state)).toEqual(['error_no_relationship']);
	});

	it('authorizes both the reseller and its provider with a combined invitation; the provider orders for the reseller', () => {
		const { log, push } = customerLog({ combined: true });
		push('order.submitted', providerAdmin, {
			orderId: 'o-1',
			onBehalfOf: RESELLER,
			lines: [newSubscription(5)]
		});
		push('order.provisioned', SYSTEM, {
			orderId: 'o-1',
			newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-1', renewsAt: T0 + 365 * DAY }]
		});
		const state = customer(log);
		expect(state.orders['o-1']).toMatchObject({
			status: 'provisioned',
			onBehalfOf: RESELLER,
			providerId: PROVIDER
		});
		expect(state.subscriptions['sub-1']).toMatchObject({
			offerName: 'Business Basic',
			quantity: 5,
			assigned: []
		});
	});

	it('lets the provider part end alone, after which only the reseller may act', () => {
		const { log, push } = customerLog({ combined: true });
		push('relationship.ended', customerAdmin, { relationshipId: 'rel-1', scope: 'provider' });
		push('order.submitted', providerAdmin, {
			orderId: 'o-1',
			onBehalfOf: RESELLER,
			lines: [newSubscription(5)]
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-2',
			onBehalfOf: null,
			lines: [newSubscription(5)]
		});
		const state = customer(log);
		expect(state.relationships['rel-1']?.status).toBe('resellerOnly');
		expect(Object.keys(state.orders)).toEqual(['o-2']);
		expect(codes(state)).toEqual(['error_no_relationship']);
	});

	it('supersedes the reseller’s offline work made after the customer ended the relationship', () => {
		const { log, push } = customerLog();
		push('relationship.ended', customerAdmin, { relationshipId: 'rel-1', scope: 'all' });
		push('tenantUser.added', resellerAdmin, {
			tenantUserId: 'tu-1',
			displayName: 'Ken',
			userName: 'ken@tailspin.example.com'
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-1',
			onBehalfOf: null,
			lines: [newSubscription(1)]
		});
		const state = customer(log);
		expect(state.relationships['rel-1']?.status).toBe('ended');
		expect(codes(state)).toEqual(['error_no_relationship', 'error_no_relationship']);
	});

	it('keeps a declined request declined, and turns a late acceptance into an expired request', () => {
		const declined = customerLog({ accepted: false });
		declined.push('relationship.declined', customerAdmin, { relationshipId: 'rel-1' });
		declined.push('relationship.accepted', customerAdmin, { relationshipId: 'rel-1' });
		expect(codes(customer(declined.log))).toEqual(['error_relationship_declined']);

		const late = customerLog({ accepted: false, expiresAt: T0 + DAY });
		late.push(
			'relationship.accepted',
			customerAdmin,
			{ relationshipId: 'rel-1' },
			{ at: T0 + 2 * DAY }
		);
		const state = customer(late.log);
		expect(state.relationships['rel-1']?.status).toBe('expired');
		expect(codes(state)).toEqual(['error_invitation_expired']);
	});

	it('lets only the customer accept, and only a party end a relationship', () => {
		const { log, push } = customerLog({ accepted: false });
		push('relationship.accepted', resellerAdmin, { relationshipId: 'rel-1' });
		push('relationship.accepted', customerAdmin, { relationshipId: 'rel-1' });
		push(
			'relationship.ended',
			{ userId: 'x', orgId: 'stranger' },
			{ relationshipId: 'rel-1', scope: 'all' }
		);
		const state = customer(log);
		expect(state.relationships['rel-1']?.status).toBe('active');
		expect(codes(state)).toEqual(['error_not_a_party', 'error_not_a_party']);
	});
});

describe('tenant users, licenses and orders', () => {
	function withSubscription(quantity: number) {
		const builder = customerLog({ combined: true });
		builder.push('order.submitted', providerAdmin, {
			orderId: 'o-1',
			onBehalfOf: RESELLER,
			lines: [newSubscription(quantity)]
		});
		builder.push('order.provisioned', SYSTEM, {
			orderId: 'o-1',
			newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-1', renewsAt: T0 + 365 * DAY }]
		});
		builder.push('tenantUser.added', resellerAdmin, {
			tenantUserId: 'tu-1',
			displayName: 'Ken',
			userName: 'ken@tailspin.example.com'
		});
		builder.push('tenantUser.added', customerAdmin, {
			tenantUserId: 'tu-2',
			displayName: 'Mai',
			userName: 'mai@tailspin.example.com'
		});
		return builder;
	}

	it('applies both of two concurrent license additions to one subscription', () => {
		const { log, push } = withSubscription(5);
		push('order.submitted', providerAdmin, {
			orderId: 'o-2',
			onBehalfOf: RESELLER,
			lines: [{ kind: 'addLicenses', subscriptionId: 'sub-1', quantity: 3 }]
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-3',
			onBehalfOf: null,
			lines: [{ kind: 'addLicenses', subscriptionId: 'sub-1', quantity: 4 }]
		});
		push('order.provisioned', SYSTEM, { orderId: 'o-3', newSubscriptions: [] });
		push('order.provisioned', SYSTEM, { orderId: 'o-2', newSubscriptions: [] });
		expect(customer(log).subscriptions['sub-1']?.quantity).toBe(12);
	});

	it('gives the last license to whichever assignment comes first in the log', () => {
		const { log, push } = withSubscription(1);
		push('license.assigned', resellerAdmin, { subscriptionId: 'sub-1', tenantUserId: 'tu-1' });
		push('license.assigned', customerAdmin, { subscriptionId: 'sub-1', tenantUserId: 'tu-2' });
		const state = customer(log);
		expect(state.subscriptions['sub-1']?.assigned).toEqual(['tu-1']);
		expect(codes(state)).toEqual(['error_no_license_available']);
	});

	it('returns a removed user’s licenses to the pool', () => {
		const { log, push } = withSubscription(1);
		push('license.assigned', resellerAdmin, { subscriptionId: 'sub-1', tenantUserId: 'tu-1' });
		push('tenantUser.removed', customerAdmin, { tenantUserId: 'tu-1' });
		push('license.assigned', customerAdmin, { subscriptionId: 'sub-1', tenantUserId: 'tu-2' });
		const state = customer(log);
		expect(state.subscriptions['sub-1']?.assigned).toEqual(['tu-2']);
		expect(state.tenantUsers['tu-2']?.licenses).toEqual(['sub-1']);
		expect(state.superseded).toEqual([]);
	});

	it('lets the provider order but not administer the tenant', () => {
		const { log, push } = withSubscription(2);
		push('tenantUser.added', providerAdmin, {
			tenantUserId: 'tu-3',
			displayName: 'Pat',
			userName: 'p@tailspin.example.com'
		});
		push('license.assigned', providerAdmin, { subscriptionId: 'sub-1', tenantUserId: 'tu-1' });
		expect(codes(customer(log))).toEqual(['error_no_relationship', 'error_no_relationship']);
	});

	it('refuses unknown offers, quantities over the offer’s limit and unknown subscriptions', () => {
		const { log, push } = withSubscription(299);
		push('order.submitted', resellerAdmin, {
			orderId: 'o-2',
			onBehalfOf: null,
			lines: [{ ...newSubscription(1), offerId: 'no-such' }]
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-3',
			onBehalfOf: null,
			lines: [newSubscription(301)]
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-4',
			onBehalfOf: null,
			lines: [{ kind: 'addLicenses', subscriptionId: 'sub-1', quantity: 2 }]
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-5',
			onBehalfOf: null,
			lines: [{ kind: 'addLicenses', subscriptionId: 'sub-9', quantity: 2 }]
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-6',
			onBehalfOf: null,
			lines: [{ ...newSubscription(1), offerId: 'enterprise-e3', term: 'monthly' }]
		});
		expect(codes(customer(log))).toEqual([
			'error_offer_unknown',
			'error_quantity_out_of_range',
			'error_quantity_out_of_range',
			'error_subscription_missing',
			'error_offer_unknown'
		]);
	});

	it('names, for an order over a subscription’s limit, the earlier order on that subscription as what decided it', () => {
		// Not the change made in between, nor the document's last change (the customer's creation).
		const { log, push } = withSubscription(299);
		push('order.submitted', providerAdmin, {
			orderId: 'o-first',
			onBehalfOf: RESELLER,
			lines: [{ kind: 'addLicenses', subscriptionId: 'sub-1', quantity: 1 }]
		});
		const first = log.at(-1) as { id: string };
		push('order.provisioned', SYSTEM, { orderId: 'o-first', newSubscriptions: [] });
		push('tenantUser.added', resellerAdmin, {
			tenantUserId: 'tu-9',
			displayName: 'Lee',
			userName: 'lee@tailspin.example.com'
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-second',
			onBehalfOf: null,
			lines: [{ kind: 'addLicenses', subscriptionId: 'sub-1', quantity: 1 }]
		});
		const state = customer(log);
		expect(codes(state)).toEqual(['error_quantity_out_of_range']);
		expect(state.superseded[0]?.decidedBy).toMatchObject({
			eventId: first.id,
			type: 'order.submitted',
			by: providerAdmin
		});
	});

	it('lets only the server provision or fail an order, once', () => {
		const { log, push } = withSubscription(1);
		push('order.submitted', resellerAdmin, {
			orderId: 'o-2',
			onBehalfOf: null,
			lines: [newSubscription(1)]
		});
		push('order.provisioned', resellerAdmin, {
			orderId: 'o-2',
			newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-2', renewsAt: T0 }]
		});
		push('order.failed', SYSTEM, { orderId: 'o-2', reason: 'Offer unavailable in this market.' });
		push('order.provisioned', SYSTEM, {
			orderId: 'o-2',
			newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-2', renewsAt: T0 }]
		});
		const state = customer(log);
		expect(state.orders['o-2']).toMatchObject({
			status: 'failed',
			failureReason: 'Offer unavailable in this market.'
		});
		expect(state.subscriptions['sub-2']).toBeUndefined();
		expect(codes(state)).toEqual(['error_system_only', 'error_order_not_submitted']);
	});
});

describe('directory and tenant creation', () => {
	it('refuses tenant events before the server created the tenant', () => {
		const { createLog } = factories;
		const { log, push } = createLog('early');
		push('tenantUser.added', customerAdmin, {
			tenantUserId: 'tu-1',
			displayName: 'Ken',
			userName: 'ken@tailspin.example.com'
		});
		push('customer.created', SYSTEM, {
			legalName: 'Tailspin',
			domain: 'tailspin.example.com',
			country: 'JP'
		});
		const state = customer(log);
		expect(state.customer?.customerId).toBe(CUSTOMER);
		expect(codes(state)).toEqual(['error_customer_missing']);
	});

	it('publishes a provider once, updates it, and lets only the program write the directory', () => {
		const { log, push } = factories.createLog('dir');
		const entry = SAMPLE_PAYLOADS['directory.entryPublished'];
		push('directory.entryPublished', reviewer, entry);
		push('directory.entryPublished', reviewer, entry);
		push('directory.entryUpdated', reviewer, {
			providerId: entry.providerId,
			regionsServed: ['JP', 'KR', 'TW']
		});
		push('directory.entryUpdated', providerAdmin, {
			providerId: entry.providerId,
			regionsServed: ['US']
		});
		push('directory.entryUpdated', reviewer, { providerId: 'unknown', regionsServed: ['US'] });
		const state = project({ kind: 'directory' }, log);
		if (state.kind !== 'directory') throw new Error('directory');
		expect(state.entries[entry.providerId]?.regionsServed).toEqual(['JP', 'KR', 'TW']);
		expect(codes(state)).toEqual([
			'error_directory_entry_exists',
			'error_not_a_party',
			'error_directory_entry_missing'
		]);
	});
});
