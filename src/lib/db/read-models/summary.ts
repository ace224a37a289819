// A document's list summary: the read-model rows of its that the lists show (the Customers list's
// row and relationships, a partnership's row, an org's name and its enrollment's status). The server computes it from its own
// projection and sends it to a device that does not hold the document yet, so the lists are
// complete at once while full documents sync in the background; the device's own projection of
// the document replaces it once synced. Pure: shared by the app and the sync server.
import type { DocumentKind } from '$lib/domain/documents';
import type { DocumentProjection } from '$lib/flows/documents/document-state';
import { customerRelationshipRows } from './customer-relationships';
import { customerRows } from './customers';
import { enrollmentRows } from './enrollment';
import { orgRows } from './orgs';
import { partnershipRows } from './partnerships';

/** The read-model tables a document kind's summary fills (a subset of READ_MODEL_TABLES_BY_KIND). */
export const SUMMARY_TABLES_BY_KIND = {
	customer: ['customers', 'customerRelationships'],
	org: ['orgs', 'enrollment'],
	invitations: [],
	partnership: ['partnerships'],
	directory: []
} as const satisfies Record<DocumentKind, readonly string[]>;

export type SummaryTable = (typeof SUMMARY_TABLES_BY_KIND)[DocumentKind][number];

export type SummaryRows = Partial<Record<SummaryTable, object[]>>;

/** The summary rows of document `doc` in `state` (exactly the rows its full projection gives). */
export function summaryRows(state: DocumentProjection, doc: string): SummaryRows {
	switch (state.kind) {
		case 'customer':
			return {
				customers: customerRows(state, doc),
				customerRelationships: customerRelationshipRows(state, doc)
			};
		case 'org':
			return { orgs: orgRows(state, doc), enrollment: enrollmentRows(state, doc) };
		case 'partnership':
			return { partnerships: partnershipRows(state, doc) };
		// the invitations lists fill as the org's one invitations document syncs
		case 'invitations':
		case 'directory':
			return {};
	}
}
