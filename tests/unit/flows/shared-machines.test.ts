import { describe, it } from 'vitest';
import type { CustomerRelationship, Subscription } from '$lib/domain/model';
import {
	combinedCustomerInvitationMachine,
	combinedCustomerInvitationRefusals
} from '$lib/flows/customer/combined-customer-invitation.machine';
import {
	customerRelationshipMachine,
	relationshipRefusals
} from '$lib/flows/customer/customer-relationship.machine';
import {
	customerTenantMachine,
	customerTenantRefusals
} from '$lib/flows/customer/customer-tenant.machine';
import {
	directoryEntryMachine,
	directoryEntryRefusals
} from '$lib/flows/partnership/directory-entry.machine';
import { orderMachine, orderRefusals } from '$lib/flows/order/order.machine';
import {
	providerAuthorizationMachine,
	providerAuthorizationRefusals
} from '$lib/flows/partnership/provider-authorization.machine';
import { createDirectoryState } from '$lib/flows/partnership/directory-document.projection';
import { SAMPLE_PAYLOADS } from './samples';
import { expectFullCoverage, exploreLogMachine } from './machine-paths';
import { customerWorld, DAY, fact, partnershipWorld, stamp, T0 } from './worlds';

const reseller = { userId: 'rio', orgId: 'resl' };
const provider = { userId: 'pat', orgId: 'prov' };
const customer = { userId: 'cam', orgId: 'cust' };
const stranger = { userId: 'sly', orgId: 'other' };

function relationship(over: Partial<CustomerRelationship> = {}): CustomerRelationship {
	return {
		relationshipId: 'rel-1',
		invitationId: 'inv-1',
		resellerId: 'resl',
		providerId: null,
		resellerName: null,
		providerName: null,
		combined: false,
		status: 'active',
		expiresAt: T0 + 7 * DAY,
		requested: stamp,
		answered: null,
		ended: null,
		...over
	};
}

function subscription(over: Partial<Subscription> = {}): Subscription {
	return {
		subscriptionId: 'sub-1',
		offerId: 'business-basic',
		offerName: 'Business Basic',
		term: 'annual',
		quantity: 1,
		assigned: [],
		status: 'active',
		renewsAt: T0 + 365 * DAY,
		orderId: 'o-0',
		...over
	};
}

describe('provider authorization machine', () => {
	it('reaches every state and exercises every guard along generated paths', () => {
		const world = partnershipWorld();
		const facts = [
			fact('partnership.invited', SAMPLE_PAYLOADS['partnership.invited'], world),
			fact('partnership.authorized', { acknowledged: true }, world, { by: reseller }),
			fact('partnership.authorized', { acknowledged: true }, world, {
				by: reseller,
				at: T0 + 8 * DAY
			}),
			fact('partnership.revoked', {}, world, { by: provider }),
			fact('partnership.adminAccessRemoved', {}, world, { by: reseller }),
			fact('partnership.ended', {}, world, { by: reseller })
		];
		expectFullCoverage(
			providerAuthorizationMachine,
			exploreLogMachine(providerAuthorizationMachine, providerAuthorizationRefusals, facts)
		);
	});
});

function relationshipFacts(combined: boolean) {
	const pending = customerWorld((doc) => {
		doc.relationships['rel-1'] = relationship({
			status: 'requested',
			combined,
			providerId: combined ? 'prov' : null
		});
	});
	const active = customerWorld((doc) => {
		doc.relationships['rel-1'] = relationship({ combined, providerId: combined ? 'prov' : null });
	});
	return [
		fact(
			'relationship.requested',
			{ ...SAMPLE_PAYLOADS['relationship.requested'], providerId: combined ? 'prov' : null },
			pending
		),
		fact('relationship.accepted', { relationshipId: 'rel-1' }, pending, { by: customer }),
		fact('relationship.accepted', { relationshipId: 'rel-1' }, pending, {
			by: customer,
			at: T0 + 8 * DAY
		}),
		fact('relationship.declined', { relationshipId: 'rel-1' }, pending, { by: customer }),
		fact('relationship.ended', { relationshipId: 'rel-1', scope: 'all' }, active, { by: customer }),
		fact('relationship.ended', { relationshipId: 'rel-1', scope: 'provider' }, active, {
			by: customer
		}),
		fact('relationship.ended', { relationshipId: 'rel-1', scope: 'all' }, active, { by: stranger })
	];
}

describe('customer relationship machine (reseller alone)', () => {
	it('reaches every state and exercises every guard along generated paths', () => {
		const exploration = exploreLogMachine(
			customerRelationshipMachine,
			relationshipRefusals,
			relationshipFacts(false)
		);
		expectFullCoverage(customerRelationshipMachine, exploration);
	});
});

describe('combined customer invitation machine (reseller and provider)', () => {
	it('reaches every state and exercises every guard along generated paths', () => {
		const exploration = exploreLogMachine(
			combinedCustomerInvitationMachine,
			combinedCustomerInvitationRefusals,
			relationshipFacts(true)
		);
		expectFullCoverage(combinedCustomerInvitationMachine, exploration);
	});
});

describe('customer tenant machine', () => {
	it('reaches every state and exercises every guard along generated paths', () => {
		const withUser = customerWorld((doc) => {
			doc.relationships['rel-1'] = relationship();
			doc.tenantUsers['tu-1'] = {
				tenantUserId: 'tu-1',
				displayName: 'Ken',
				userName: 'ken@cust.example.com',
				licenses: [],
				added: stamp
			};
			doc.subscriptions['sub-1'] = subscription();
		});
		const full = customerWorld((doc) => {
			doc.tenantUsers['tu-1'] = {
				tenantUserId: 'tu-1',
				displayName: 'Ken',
				userName: 'ken@cust.example.com',
				licenses: [],
				added: stamp
			};
			doc.subscriptions['sub-1'] = subscription({ assigned: ['tu-2'] });
		});
		const assigned = customerWorld((doc) => {
			doc.tenantUsers['tu-1'] = {
				tenantUserId: 'tu-1',
				displayName: 'Ken',
				userName: 'ken@cust.example.com',
				licenses: ['sub-1'],
				added: stamp
			};
			doc.subscriptions['sub-1'] = subscription({ assigned: ['tu-1'] });
		});
		const empty = customerWorld();
		const license = { subscriptionId: 'sub-1', tenantUserId: 'tu-1' };
		const facts = [
			fact('customer.created', SAMPLE_PAYLOADS['customer.created'], empty),
			fact('tenantUser.added', SAMPLE_PAYLOADS['tenantUser.added'], empty, { by: customer }),
			fact('tenantUser.added', SAMPLE_PAYLOADS['tenantUser.added'], withUser, { by: reseller }),
			fact('tenantUser.added', SAMPLE_PAYLOADS['tenantUser.added'], empty, { by: provider }),
			fact('tenantUser.removed', { tenantUserId: 'tu-1' }, withUser, { by: reseller }),
			fact('tenantUser.removed', { tenantUserId: 'tu-1' }, empty, { by: customer }),
			fact('license.assigned', license, withUser, { by: reseller }),
			fact('license.assigned', license, full, { by: customer }),
			fact('license.assigned', license, assigned, { by: customer }),
			fact('license.assigned', license, empty, { by: customer }),
			fact('license.assigned', { ...license, tenantUserId: 'tu-9' }, withUser, { by: customer }),
			fact('license.unassigned', license, assigned, { by: customer }),
			fact('license.unassigned', license, withUser, { by: customer })
		];
		expectFullCoverage(
			customerTenantMachine,
			exploreLogMachine(customerTenantMachine, customerTenantRefusals, facts)
		);
	});
});

describe('order machine', () => {
	it('reaches every state and exercises every guard along generated paths', () => {
		const combined = customerWorld((doc) => {
			doc.relationships['rel-1'] = relationship({ combined: true, providerId: 'prov' });
			doc.subscriptions['sub-1'] = subscription({ quantity: 290 });
			doc.orders['o-1'] = {
				orderId: 'o-1',
				lines: SAMPLE_PAYLOADS['order.submitted'].lines,
				status: 'submitted',
				submittedBy: provider,
				onBehalfOf: 'resl',
				providerId: 'prov',
				failureReason: null,
				submitted: stamp,
				closed: null
			};
		});
		const none = customerWorld();
		const sample = SAMPLE_PAYLOADS['order.submitted'];
		const newLine = {
			kind: 'newSubscription',
			offerId: 'business-basic',
			term: 'annual',
			quantity: 10
		} as const;
		const facts = [
			fact('order.submitted', { ...sample, onBehalfOf: 'resl' }, combined, { by: provider }),
			fact('order.submitted', sample, none, { by: provider }),
			fact(
				'order.submitted',
				{ ...sample, lines: [{ ...newLine, offerId: 'no-such-offer' }] },
				combined,
				{ by: reseller }
			),
			fact('order.submitted', { ...sample, lines: [{ ...newLine, quantity: 301 }] }, combined, {
				by: reseller
			}),
			fact(
				'order.submitted',
				{ ...sample, lines: [{ kind: 'addLicenses', subscriptionId: 'sub-1', quantity: 20 }] },
				combined,
				{ by: reseller }
			),
			fact(
				'order.submitted',
				{ ...sample, lines: [{ kind: 'addLicenses', subscriptionId: 'sub-9', quantity: 1 }] },
				combined,
				{ by: reseller }
			),
			fact(
				'order.provisioned',
				{
					orderId: 'o-1',
					newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-new', renewsAt: T0 + 365 * DAY }]
				},
				combined
			),
			fact('order.provisioned', { orderId: 'o-1', newSubscriptions: [] }, combined),
			fact('order.failed', SAMPLE_PAYLOADS['order.failed'], combined)
		];
		expectFullCoverage(orderMachine, exploreLogMachine(orderMachine, orderRefusals, facts));
	});
});

describe('directory entry machine', () => {
	it('reaches every state along generated paths', () => {
		const world = { doc: createDirectoryState() };
		const program = { userId: 'olga', orgId: 'program' };
		const facts = [
			fact('directory.entryPublished', SAMPLE_PAYLOADS['directory.entryPublished'], world, {
				by: program
			}),
			fact('directory.entryUpdated', SAMPLE_PAYLOADS['directory.entryUpdated'], world, {
				by: program
			})
		];
		const exploration = exploreLogMachine(directoryEntryMachine, directoryEntryRefusals, facts);
		expectFullCoverage(directoryEntryMachine, exploration);
	});
});
