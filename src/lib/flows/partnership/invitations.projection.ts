// The invitations slice of an org document's projection: the links the org sent (created,
// addressed, revoked, redeemed), decided by the invitation machine.
import type { InvitationStatus } from '$lib/domain/model';
import type { OrgDocumentState } from '$lib/flows/documents/document-state';
import { createStepper } from '$lib/flows/documents/machine-stepper';
import type { ProjectionSlice } from '$lib/flows/documents/projection-slice';
import { invitationMachine, invitationRefusals, type InvitationFact } from './invitation.machine';

export const invitationStepper = createStepper(invitationMachine, invitationRefusals);

export const invitationsSlice: ProjectionSlice<OrgDocumentState, InvitationFact['type']> = {
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
