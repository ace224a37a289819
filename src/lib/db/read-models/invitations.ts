// Read model of the invitation links an organization sent (token hashes stay in the log).
import type { InvitationsDocumentState } from '$lib/flows/documents/document-state';

export interface InvitationRow {
	doc: string;
	orgId: string;
	invitationId: string;
	kind: string;
	providerId: string | null;
	status: string;
	expiresAt: number;
	redeemedBy: string | null;
	/** whom the link was sent to (absent in rows written before issue 21, null until addressed) */
	recipient?: string | null;
	createdAt: string;
	closedAt: string | null;
}

export function invitationRows(state: InvitationsDocumentState, doc: string): InvitationRow[] {
	return Object.values(state.invitations).map((invitation) => ({
		doc,
		orgId: state.orgId,
		invitationId: invitation.invitationId,
		kind: invitation.kind,
		providerId: invitation.providerId,
		status: invitation.status,
		expiresAt: invitation.expiresAt,
		redeemedBy: invitation.redeemedBy,
		recipient: invitation.recipient,
		createdAt: invitation.created.at,
		closedAt: invitation.closed?.at ?? null
	}));
}
