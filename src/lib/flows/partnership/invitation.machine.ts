// An invitation link the inviting org keeps in its invitations document: pending until the server
// redeems it, or revoked, or found expired. Revocation and redemption race in one log; the first
// wins.
import { setup } from 'xstate';
import { hlcMillis } from '$lib/domain/clock';
import type { DomainEvent } from '$lib/domain/events';
import { mayInvite } from '$lib/domain/rules';
import type {
	FactOf,
	InvitationsDocumentState,
	OrgDocumentState
} from '$lib/flows/documents/document-state';
import type { Refusals } from '$lib/flows/documents/machine-stepper';
import type { DoorRefusal, DoorRule } from '$lib/flows/documents/door-rules';

export interface InvitationsWorld {
	readonly doc: InvitationsDocumentState;
}

export type InvitationFact = FactOf<
	'invitation.created' | 'invitation.revoked' | 'invitation.addressed' | 'invitation.redeemed',
	InvitationsWorld
>;

export const invitationMachine = setup({
	types: {} as { events: InvitationFact },
	guards: {
		isBeforeExpiry: ({ event }) => {
			const invitation = event.world.doc.invitations[event.event.payload.invitationId];
			return invitation !== undefined && hlcMillis(event.event.at) <= invitation.expiresAt;
		}
	}
}).createMachine({
	id: 'invitation',
	initial: 'none',
	states: {
		none: { on: { 'invitation.created': 'pending' } },
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
	guards: {},
	states: {
		none: 'error_invitation_missing',
		pending: 'error_invitation_exists',
		revoked: { 'invitation.created': 'error_invitation_exists', '*': 'error_invitation_revoked' },
		redeemed: { 'invitation.created': 'error_invitation_exists', '*': 'error_invitation_redeemed' },
		expired: { 'invitation.created': 'error_invitation_exists', '*': 'error_invitation_expired' }
	},
	otherwise: 'error_not_allowed_now'
};

/**
 * A provider invites resellers; a reseller invites customers. The org's kind is in its org document,
 * which the door is given (`related`): the kind of an org never changes, so the door alone decides
 * it (no log can race it), and the invitations document's projection need not know it. Without
 * `related` (the device's own check) it is not judged.
 */
export const invitationDoorRule: DoorRule<InvitationsDocumentState> = (
	state,
	event,
	_roles,
	related
) => {
	if (!related) return null;
	const org = related({ kind: 'org', orgId: state.orgId });
	return invitationDoorRefusal(org?.kind === 'org' ? org : undefined, event);
};

/** Whether an org (its org document's state) may send the link `event` creates. */
function invitationDoorRefusal(
	org: OrgDocumentState | undefined,
	event: DomainEvent
): DoorRefusal | null {
	if (event.type !== 'invitation.created') return null;
	const kind = org?.org?.kind;
	if (kind && mayInvite(kind, event.payload.kind)) return null;
	return {
		code: 'error_wrong_org_kind',
		message: `a ${kind ?? 'missing org'} may not send ${event.payload.kind} invitations`
	};
}
