// Projection of an `invitations/<orgId>` document: the links the org sent (created, addressed,
// revoked, redeemed), decided by the invitation machine. They were once kept in the org document;
// an org document's old invitation events are history there (see INVITATION_EVENT_TYPES).
import type { DomainEvent, EventType } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import type { InvitationStatus, Stamp } from '$lib/domain/model';
import type { InvitationsDocumentState } from '$lib/flows/documents/document-state';
import { createStepper } from '$lib/flows/documents/machine-stepper';
import { composeSlices, type ProjectionSlice } from '$lib/flows/documents/projection-slice';
import { invitationMachine, invitationRefusals, type InvitationFact } from './invitation.machine';

export const invitationStepper = createStepper(invitationMachine, invitationRefusals);

/**
 * The invitation events. An org document written before links had a document of their own holds
 * them too: its projection passes over them (the server copied them into the org's invitations
 * document, `sync-server/src/invitations/invitations-move.ts`), and its door takes no new ones.
 */
export const INVITATION_EVENT_TYPES: ReadonlySet<EventType> = new Set<InvitationFact['type']>([
	'invitation.created',
	'invitation.revoked',
	'invitation.addressed',
	'invitation.redeemed'
]);

const invitationsSlice: ProjectionSlice<InvitationsDocumentState, InvitationFact['type']> = {
	types: [
		'invitation.created',
		'invitation.revoked',
		'invitation.addressed',
		'invitation.redeemed'
	],
	step: (state, event) =>
		invitationStepper.step(
			invitationStepper.snapshotFor(
				state.invitations[event.payload.invitationId]?.status ?? 'none'
			),
			{ type: event.type, event, world: { doc: state } } as InvitationFact
		),
	fold(state, event, stamp, status) {
		if (event.type === 'invitation.created') {
			const p = event.payload;
			state.invitations[p.invitationId] = {
				invitationId: p.invitationId,
				kind: p.kind,
				providerId: p.kind === 'customerWithProvider' ? p.providerId : null,
				tokenHash: p.tokenHash,
				expiresAt: p.expiresAt,
				status: status as InvitationStatus,
				redeemedBy: null,
				recipient: null,
				created: stamp,
				closed: null
			};
			return;
		}
		const invitation = state.invitations[event.payload.invitationId];
		if (!invitation) return;
		if (event.type === 'invitation.addressed') {
			invitation.recipient = event.payload.recipient;
			return;
		}
		invitation.status = status as InvitationStatus;
		invitation.closed = stamp;
		if (event.type === 'invitation.redeemed' && status === 'redeemed') {
			invitation.redeemedBy = event.payload.orgId;
		}
	}
};

const invitationsDocument = composeSlices<InvitationsDocumentState>([invitationsSlice]);

export function createInvitationsState(orgId: string): InvitationsDocumentState {
	return {
		kind: 'invitations',
		orgId,
		length: 0,
		superseded: [],
		invalid: [],
		claimed: new Set(),
		invitations: {}
	};
}

/** Applies one valid event; returns why it was superseded, or null when it counted. */
export function applyInvitationsEvent(
	state: InvitationsDocumentState,
	event: DomainEvent,
	stamp: Stamp
): ErrorCode | null {
	return invitationsDocument.apply(state, event, stamp);
}
