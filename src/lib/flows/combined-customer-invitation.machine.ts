// A new customer invited for the reseller and its provider at once (Indirect providers > Invite new
// customers): accepting authorizes both as resellers of record. The provider's part can end on its
// own (the reseller stays) before the whole relationship ends.
import { and, setup } from 'xstate';
import type { Refusals } from './machine-stepper';
import {
	relationshipGuards,
	relationshipRefusals,
	type RelationshipFact
} from './customer-relationship.machine';

export const combinedCustomerInvitationMachine = setup({
	types: {} as { events: RelationshipFact },
	guards: relationshipGuards
}).createMachine({
	id: 'combinedCustomerInvitation',
	initial: 'none',
	states: {
		none: { on: { 'relationship.requested': 'requested' } },
		requested: {
			on: {
				'relationship.accepted': [
					{ guard: 'isBeforeExpiry', target: 'active' },
					{ target: 'expired' }
				],
				'relationship.declined': 'declined'
			}
		},
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
		},
		declined: {},
		expired: { meta: { supersedes: 'error_invitation_expired' } },
		ended: {}
	}
});

export const combinedCustomerInvitationRefusals: Refusals = relationshipRefusals;
