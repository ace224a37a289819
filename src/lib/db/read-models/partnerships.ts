// Read model of provider-reseller partnerships (Indirect providers / Indirect resellers pages).
import type { PartnershipDocumentState } from '$lib/flows/documents/document-state';

export interface PartnershipRow {
	doc: string;
	providerId: string;
	resellerId: string;
	status: string;
	adminAccess: boolean;
	invitationId: string | null;
	expiresAt: number | null;
	invitedAt: string | null;
	authorizedAt: string | null;
	closedAt: string | null;
	/** the parties' names the invitation carried (null: none; their org documents name them too) */
	providerName?: string | null;
	resellerName?: string | null;
}

export function partnershipRows(state: PartnershipDocumentState, doc: string): PartnershipRow[] {
	const partnership = state.partnership;
	if (partnership.status === 'none') return [];
	return [
		{
			doc,
			providerId: partnership.providerId,
			resellerId: partnership.resellerId,
			status: partnership.status,
			adminAccess: partnership.adminAccess,
			invitationId: partnership.invitationId,
			expiresAt: partnership.expiresAt,
			invitedAt: partnership.invited?.at ?? null,
			authorizedAt: partnership.authorized?.at ?? null,
			closedAt: partnership.closed?.at ?? null,
			providerName: partnership.providerName ?? null,
			resellerName: partnership.resellerName ?? null
		}
	];
}
