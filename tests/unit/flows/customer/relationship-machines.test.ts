// The customer relationship machines (a reseller alone, and a reseller with its provider), shared
// by the app and the server: every state and refusal.
import {
	combinedCustomerInvitationMachine,
	combinedCustomerInvitationRefusals
} from '$lib/flows/customer/combined-customer-invitation.machine';
import {
	customerRelationshipMachine,
	relationshipRefusals
} from '$lib/flows/customer/customer-relationship.machine';
import { describe, it } from 'vitest';
import { customer, relationship, stranger } from '../actors';
import { expectFullCoverage, exploreLogMachine } from '../machine-paths';
import { SAMPLE_PAYLOADS } from '../samples';
import { customerWorld, DAY, fact, T0 } from '../worlds';

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
