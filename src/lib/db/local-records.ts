// Rows of the device's own bookkeeping: persisted Yjs updates, known documents, pending and refused
// local changes, wizard drafts. (Read models live in ./read-models, one file per entity.)
import type { DomainEvent } from '$lib/domain/events';

/** One Yjs update of one document, as received or made; merged when a document has many. */
export interface DocUpdateRow {
	seq?: number;
	doc: string;
	update: Uint8Array;
}

export type DocumentAccess = 'read' | 'write';

/** A document this device holds, and what its read-model rows reflect. */
export interface KnownDocumentRow {
	name: string;
	kind: string;
	access: DocumentAccess;
	/** `Y.encodeStateVector` of the state the read-model rows were written from */
	vector: Uint8Array | null;
	logLength: number;
	updatedAt: number;
}

/** Where this device is with a listed document, against the server's log (see sync-engine.ts). */
export interface DocVersionRow {
	name: string;
	/** the server version this device holds all of (-1: none yet) */
	synced: number;
}

/** A message key and its inputs, rendered in the reader's language when shown. */
export interface Summary {
	key: string;
	params: Record<string, string>;
}

/** A local change the server has not confirmed storing yet ("N changes waiting to sync"). */
export interface OutboxRow {
	eventId: string;
	doc: string;
	/** the Y.Doc client that inserted the event */
	clientId: number;
	/** that client's Y clock right after the insert: delivered once the server's state reaches it */
	clock: number;
	event: DomainEvent;
	summary: Summary;
	/** when it was made (ms since epoch, device clock) */
	at: number;
}

/** A local change the server refused, kept aside with the reason until the user dismisses it. */
export interface RefusedRow {
	eventId: string;
	doc: string;
	/** i18n key of the reason */
	code: string;
	event: DomainEvent;
	summary: Summary;
	at: number;
	refusedAt: number;
}

/** A half-filled wizard: its machine's persisted snapshot. */
export interface DraftRow {
	key: string;
	machine: string;
	snapshot: unknown;
	updatedAt: number;
}
