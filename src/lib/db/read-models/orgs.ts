// Read model of an organization's profile (its org document's `org`).
import type { Organization } from '$lib/domain/model';
import type { OrgDocumentState } from '$lib/flows/documents/document-state';

export type OrgRow = Omit<Organization, 'created'> & { doc: string; createdAt: string };

export function orgRows(state: OrgDocumentState, doc: string): OrgRow[] {
	if (!state.org) return [];
	const { created, ...profile } = state.org;
	return [{ ...profile, doc, createdAt: created.at }];
}
