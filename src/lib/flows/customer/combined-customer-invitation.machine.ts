// A new customer invited for the reseller and its provider at once (Indirect providers > Invite new
// customers): accepting authorizes both as resellers of record. The provider's part can end on its
// own (the reseller stays) before the whole relationship ends.
import { and, setup } from 'xstate';
import type { Refusals } from '$lib/flows/documents/machine-stepper';
import {
	relationshipGuards,
	relationshipRefusals,
	relationshipStates,
	type RelationshipFact
} from './customer-relationship.machine';

export const combinedCustomerInvitationMachine = setup({
	types: {} as { events: RelationshipFact },
	guards: relationshipGuards
}).createMachine({
	id: 'combinedCustomerInvitation',
	initial: 'none',
	states: {
		...relationshipStates,
		active: {
			on: {
				'relationship.ended': [
					{ guard: and(['isPartyToRelationship', 'isProviderPart']), target: 'resellerOnly' },
					{ guard: and(['isPartyToRelationship', 'isWholeRelationship']), target: 'ended' }
				]
			}
		},
		resellerOnly: {
			on: {
				'relationship.ended': {
					guard: and(['isPartyToRelationship', 'isWholeRelationship']),
					target: 'ended'
				}
			}
		}
	}
});

export const combinedCustomerInvitationRefusals: Refusals = relationshipRefusals;
