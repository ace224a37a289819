// Read model of events a document's log keeps but its machines refused: shown, never silently dropped.
import type { DecidingEvent } from '$lib/domain/model';
import type { DocumentProjection } from '$lib/flows/documents/document-state';

export interface SupersededRow {
	doc: string;
	eventId: string;
	type: string;
	/** i18n key of the reason */
	code: string;
	at: string;
	byUserId: string;
	byOrgId: string;
	/** the earlier change that got there first (who won), when the log shows one */
	decidedBy?: DecidingEvent;
}

export function supersededRows(state: DocumentProjection, doc: string): SupersededRow[] {
	return state.superseded.map((event) => ({
		doc,
		eventId: event.eventId,
		type: event.type,
		code: event.code,
		at: event.at,
		byUserId: event.by.userId,
		byOrgId: event.by.orgId,
		...(event.decidedBy ? { decidedBy: event.decidedBy } : {})
	}));
}
