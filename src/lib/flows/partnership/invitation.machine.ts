// An invitation link the inviting org keeps in its own document: pending until the server redeems
// it, or revoked, or found expired. Revocation and redemption race in one log; the first wins.
import { setup } from 'xstate';
import { hlcMillis } from '$lib/domain/clock';
import { mayInvite } from '$lib/domain/rules';
import type { FactOf } from '$lib/flows/documents/document-state';
import type { Refusals } from '$lib/flows/documents/machine-stepper';
import type { OrgDoorRule, OrgWorld } from '$lib/flows/organization/organization.machine';

export type InvitationFact = FactOf<
	'invitation.created' | 'invitation.revoked' | 'invitation.addressed' | 'invitation.redeemed',
	OrgWorld
>;

export const invitationMachine = setup({
	types: {} as { events: InvitationFact },
	guards: {
		/** A provider invites resellers; a reseller invites customers. */
		isKindAllowedForOrg: ({ event }) =>
			event.type !== 'invitation.created' ||
			(event.world.doc.org !== null &&
				mayInvite(event.world.doc.org.kind, event.event.payload.kind)),
		isBeforeExpiry: ({ event }) => {
			const invitation = event.world.doc.invitations[event.event.payload.invitationId];
			return invitation !== undefined && hlcMillis(event.event.at) <= invitation.expiresAt;
		}
	}
}).createMachine({
	id: 'invitation',
	initial: 'none',
	states: {
		none: { on: { 'invitation.created': { guard: 'isKindAllowedForOrg', target: 'pending' } } },
		pending: {
			on: {
				'invitation.revoked': 'revoked',
				'invitation.addressed': 'pending',
				'invitation.redeemed': [
					{ guard: 'isBeforeExpiry', target: 'redeemed' },
					{ target: 'expired' }
				]
			}
		},
		// Whom a link was sent to is recorded when its draft is used, which may be after the link
		// was redeemed or revoked elsewhere (offline): the record stays true, so it always counts.
		revoked: { on: { 'invitation.addressed': 'revoked' } },
		redeemed: { on: { 'invitation.addressed': 'redeemed' } },
		expired: {
			meta: { supersedes: 'error_invitation_expired' },
			on: { 'invitation.addressed': 'expired' }
		}
	}
});

export const invitationRefusals: Refusals = {
	guards: { isKindAllowedForOrg: 'error_wrong_org_kind' },
	states: {
		none: 'error_invitation_missing',
		pending: 'error_invitation_exists',
		revoked: { 'invitation.created': 'error_invitation_exists', '*': 'error_invitation_revoked' },
		redeemed: { 'invitation.created': 'error_invitation_exists', '*': 'error_invitation_redeemed' },
		expired: { 'invitation.created': 'error_invitation_exists', '*': 'error_invitation_expired' }
	},
	otherwise: 'error_not_allowed_now'
};

/** A provider invites resellers; a reseller invites customers (the door's copy of the guard). */
export const invitationDoorRule: OrgDoorRule = (state, event) => {
	const kind = state.org?.kind;
	if (event.type !== 'invitation.created' || !kind || mayInvite(kind, event.payload.kind)) {
		return null;
	}
	return {
		code: 'error_wrong_org_kind',
		message: `a ${kind} may not send ${event.payload.kind} invitations`
	};
};
