// A provider–reseller partnership: the server opens it when the reseller redeems the provider's link;
// the reseller authorizes the indirect provider (or the provider withdraws first: whichever comes
// first in the log wins); later the reseller may remove the provider's admin access, and either side
// may end it. A new invitation can start it again.
import { setup } from 'xstate';
import { hlcMillis } from '$lib/domain/clock';
import type { FactOf, PartnershipDocumentState } from '$lib/flows/documents/document-state';
import type { Refusals } from '$lib/flows/documents/machine-stepper';

export interface PartnershipWorld {
	readonly doc: PartnershipDocumentState;
}

export type ProviderAuthorizationFact = FactOf<
	| 'partnership.invited'
	| 'partnership.authorized'
	| 'partnership.revoked'
	| 'partnership.adminAccessRemoved'
	| 'partnership.ended',
	PartnershipWorld
>;

export const providerAuthorizationMachine = setup({
	types: {} as { events: ProviderAuthorizationFact },
	guards: {
		isBeforeExpiry: ({ event }) => {
			const { expiresAt } = event.world.doc.partnership;
			return expiresAt !== null && hlcMillis(event.event.at) <= expiresAt;
		}
	}
}).createMachine({
	id: 'providerAuthorization',
	initial: 'none',
	states: {
		none: { on: { 'partnership.invited': 'invited' } },
		invited: {
			on: {
				// A newer link redeemed while one is pending replaces it.
				'partnership.invited': 'invited',
				'partnership.authorized': [
					{ guard: 'isBeforeExpiry', target: 'authorized' },
					{ target: 'expired' }
				],
				'partnership.revoked': 'revoked',
				'partnership.ended': 'ended'
			}
		},
		authorized: {
			on: {
				'partnership.adminAccessRemoved': 'adminAccessRemoved',
				'partnership.ended': 'ended'
			}
		},
		adminAccessRemoved: { on: { 'partnership.ended': 'ended' } },
		revoked: { on: { 'partnership.invited': 'invited' } },
		expired: {
			meta: { supersedes: 'error_invitation_expired' },
			on: { 'partnership.invited': 'invited' }
		},
		ended: { on: { 'partnership.invited': 'invited' } }
	}
});

export const providerAuthorizationRefusals: Refusals = {
	guards: {},
	states: {
		none: 'error_partnership_not_invited',
		authorized: 'error_partnership_authorized',
		adminAccessRemoved: 'error_admin_access_removed',
		revoked: 'error_partnership_revoked',
		expired: 'error_invitation_expired',
		ended: 'error_partnership_ended'
	},
	otherwise: 'error_not_allowed_now'
};
