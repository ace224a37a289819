// A reseller relationship requested by a reseller alone ("Request a reseller relationship"): the
// server records the request when the customer opens the link; the customer accepts or declines;
// the customer or the reseller (a Global admin) ends it.
import { and, setup } from 'xstate';
import { hlcMillis } from '$lib/domain/clock';
import type { FactOf } from '$lib/flows/documents/document-state';
import type { Refusals } from '$lib/flows/documents/machine-stepper';
import type { CustomerWorld } from './customer-tenant.machine';
import { isPartyToRelationship } from './customer-queries';

export type RelationshipFact = FactOf<
	| 'relationship.requested'
	| 'relationship.accepted'
	| 'relationship.declined'
	| 'relationship.ended',
	CustomerWorld
>;

/** Guards shared by both relationship machines. */
export const relationshipGuards = {
	isBeforeExpiry: ({ event }: { event: RelationshipFact }) => {
		const relationship = event.world.doc.relationships[event.event.payload.relationshipId];
		return relationship !== undefined && hlcMillis(event.event.at) <= relationship.expiresAt;
	},
	isPartyToRelationship: ({ event }: { event: RelationshipFact }) =>
		isPartyToRelationship(
			event.world.doc,
			event.event.by.orgId,
			event.event.payload.relationshipId
		),
	isWholeRelationship: ({ event }: { event: RelationshipFact }) =>
		event.type === 'relationship.ended' && event.event.payload.scope === 'all',
	isProviderPart: ({ event }: { event: RelationshipFact }) =>
		event.type === 'relationship.ended' && event.event.payload.scope === 'provider'
};

/** The states both relationship machines share: the request, its answer, and the end. */
export const relationshipStates = {
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
	declined: {},
	expired: { meta: { supersedes: 'error_invitation_expired' } },
	ended: {}
} as const;

export const customerRelationshipMachine = setup({
	types: {} as { events: RelationshipFact },
	guards: relationshipGuards
}).createMachine({
	id: 'customerRelationship',
	initial: 'none',
	states: {
		...relationshipStates,
		active: {
			on: {
				'relationship.ended': {
					guard: and(['isPartyToRelationship', 'isWholeRelationship']),
					target: 'ended'
				}
			}
		}
	}
});

export const relationshipRefusals: Refusals = {
	guards: {
		isPartyToRelationship: 'error_not_a_party',
		isWholeRelationship: 'error_not_allowed_now',
		isProviderPart: 'error_not_allowed_now'
	},
	states: {
		none: 'error_relationship_missing',
		requested: {
			'relationship.requested': 'error_relationship_exists',
			'*': 'error_not_allowed_now'
		},
		active: {
			'relationship.requested': 'error_relationship_exists',
			'*': 'error_relationship_not_pending'
		},
		resellerOnly: {
			'relationship.requested': 'error_relationship_exists',
			'*': 'error_relationship_not_pending'
		},
		declined: {
			'relationship.requested': 'error_relationship_exists',
			'*': 'error_relationship_declined'
		},
		expired: {
			'relationship.requested': 'error_relationship_exists',
			'*': 'error_invitation_expired'
		},
		ended: {
			'relationship.requested': 'error_relationship_exists',
			'*': 'error_relationship_ended'
		}
	},
	otherwise: 'error_not_allowed_now'
};
