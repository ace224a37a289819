// One shared document on this device: its Y.Doc loaded from IndexedDB, its projection kept up to
// date as the log grows, and every change saved with its read-model rows (no network here).
import * as Y from 'yjs';
import { LOG_KEY, parseDocumentName, type DocumentRef } from '$lib/domain/documents';
import type { DomainEvent } from '$lib/domain/events';
import type { AppDatabase } from '$lib/db/app-database';
import {
	emptySnapshot,
	loadDocument,
	type CommitResult,
	type DocumentChange,
	type RowSnapshot
} from '$lib/db/document-store';
import type { DocumentAccess, OutboxRow, Summary } from '$lib/db/local-records';
import { readModelRows } from '$lib/db/read-models';
import { createProjector, type DocumentProjector } from '$lib/flows/documents/projection';
import type { DocumentProjection } from '$lib/flows/documents/document-state';
import type { QueuedWriter, WriteQueue } from './write-queue';

/** Origin of events appended on this device (intents). */
export const LOCAL_ORIGIN = Symbol('tiertwo-local');
/** Origin of updates read from IndexedDB (at open, or stored by another tab): not stored again. */
export const STORAGE_ORIGIN = Symbol('tiertwo-storage');

export interface LocalEvent {
	event: DomainEvent;
	summary: Summary;
	/** when the user made it, if earlier than now (an event appended again) */
	madeAt?: number;
}

function sameBytes(a: Uint8Array | null | undefined, b: Uint8Array): boolean {
	return !!a && a.length === b.length && a.every((byte, index) => byte === b[index]);
}

export class DocumentReplica implements QueuedWriter {
	readonly name: string;
	readonly ref: DocumentRef;
	access: DocumentAccess;
	#queue: WriteQueue;
	#doc: Y.Doc;
	#log: Y.Array<unknown>;
	#projector: DocumentProjector | null = null;
	#rowsDirty = false;
	#replaceUpdates = false;
	#pendingUpdates: Uint8Array[] = [];
	#pendingOutbox: OutboxRow[] = [];
	#snapshot: RowSnapshot | null = null;
	#closed = false;

	private constructor(name: string, ref: DocumentRef, access: DocumentAccess, queue: WriteQueue) {
		this.name = name;
		this.ref = ref;
		this.access = access;
		this.#queue = queue;
		this.#doc = new Y.Doc();
		this.#log = this.#doc.getArray(LOG_KEY);
	}

	/** Loads the document from IndexedDB; its read model is rewritten only if it is behind. */
	static async open(
		db: AppDatabase,
		queue: WriteQueue,
		name: string,
		access: DocumentAccess
	): Promise<DocumentReplica> {
		const ref = parseDocumentName(name);
		if (!ref) throw new RangeError(`not a document name: ${name}`);
		const replica = new DocumentReplica(name, ref, access, queue);
		const stored = await loadDocument(db, name);
		Y.transact(
			replica.#doc,
			() => {
				for (const update of stored.updates) Y.applyUpdate(replica.#doc, update);
			},
			STORAGE_ORIGIN
		);
		replica.#attach();
		// Rows are only ever written with their document's bookkeeping row: none means no rows of
		// its own (a summary's may stand in; they are overwritten, never deleted, by its first save).
		if (!stored.known) replica.#snapshot = emptySnapshot(ref.kind);
		const current = sameBytes(stored.known?.vector, Y.encodeStateVector(replica.#doc));
		// Nothing of it here yet: nothing to save until its content arrives (a bookkeeping row for
		// an empty document would make it look held, and its pages would act on an empty state).
		const empty = !stored.known && replica.#doc.store.clients.size === 0;
		if (!empty && (!current || stored.known?.access !== access)) {
			replica.#rowsDirty = !current;
			replica.#queue.saveInBackground(replica);
		}
		return replica;
	}

	get doc(): Y.Doc {
		return this.#doc;
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** The projection of the log (replayed on first use, then kept up to date incrementally). */
	get state(): DocumentProjection {
		if (!this.#projector) {
			const projector = createProjector(this.ref);
			projector.append(this.#log.toArray());
			this.#projector = projector;
		}
		return this.#projector.state;
	}

	/** The event ids in the log (to tell a re-appended event from one already there). */
	hasEvent(eventId: string): boolean {
		return this.#log.toArray().some((entry) => (entry as { id?: unknown } | null)?.id === eventId);
	}

	/** Appends events made here and resolves once they and their outbox entries are saved. */
	appendLocal(events: readonly LocalEvent[]): Promise<void> {
		if (this.#closed) return Promise.reject(new Error(`${this.name} is closed`));
		this.#doc.transact(() => {
			this.#log.push(events.map(({ event }) => event));
		}, LOCAL_ORIGIN);
		const clientId = this.#doc.clientID;
		const clock = Y.getState(this.#doc.store, clientId);
		const now = Date.now();
		for (const { event, summary, madeAt } of events) {
			this.#pendingOutbox.push({
				eventId: event.id,
				doc: this.name,
				clientId,
				clock,
				event,
				summary,
				at: madeAt ?? now
			});
		}
		return this.#queue.save(this);
	}

	/**
	 * Moves the log items of pending events to the tail of the log, in their order (the server
	 * refused them with sync_log_not_at_tail: Yjs placed them before events it already had). In one
	 * local transaction each is deleted, leaving a tombstone the server admits because it is new in
	 * the same update, and appended again: same event, new items of this client, so the outbox rows
	 * follow the new clocks. Everything else of the document (Notes text typed in the same spell)
	 * stays as it is and goes out with them. Resolves with the moved ids once saved.
	 */
	rebaseOntoTail(pending: readonly OutboxRow[]): Promise<string[]> {
		if (this.#closed) return Promise.reject(new Error(`${this.name} is closed`));
		const rows = new Map(pending.map((row) => [row.eventId, row]));
		const entries = this.#log.toArray();
		const moved: { index: number; row: OutboxRow }[] = [];
		entries.forEach((entry, index) => {
			const id = (entry as { id?: unknown } | null)?.id;
			const row = typeof id === 'string' ? rows.get(id) : undefined;
			if (row) moved.push({ index, row });
		});
		if (moved.length === 0) return Promise.resolve([]);
		this.#doc.transact(() => {
			for (const { index } of [...moved].reverse()) this.#log.delete(index, 1);
			this.#log.push(moved.map(({ index }) => entries[index]));
		}, LOCAL_ORIGIN);
		const clientId = this.#doc.clientID;
		const clock = Y.getState(this.#doc.store, clientId);
		for (const { row } of moved) this.#pendingOutbox.push({ ...row, clientId, clock });
		return this.#queue.save(this).then(() => moved.map(({ row }) => row.eventId));
	}

	/** Outbox entries made here that are not in IndexedDB yet (a failed save): for the export. */
	get unsavedOutbox(): readonly OutboxRow[] {
		return this.#pendingOutbox;
	}

	/** Applies an update another tab stored (the cross-tab feed). */
	applyStoredUpdate(update: Uint8Array): void {
		if (!this.#closed) Y.applyUpdate(this.#doc, update, STORAGE_ORIGIN);
	}

	/**
	 * Replaces the Y.Doc with `fresh` (loaded from the server after a refused update): the stored
	 * updates are replaced by its state, the read model rewritten. Local-only items of the old doc
	 * are dropped with it; the caller keeps their events (refused or re-appended).
	 */
	replaceDoc(fresh: Y.Doc): Promise<void> {
		this.#detach();
		this.#doc.destroy();
		this.#doc = fresh;
		this.#log = fresh.getArray(LOG_KEY);
		this.#projector = null;
		this.#pendingUpdates = [Y.encodeStateAsUpdate(fresh)];
		this.#pendingOutbox = [];
		this.#replaceUpdates = true;
		this.#rowsDirty = true;
		this.#attach();
		return this.#queue.save(this);
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#detach();
		this.#doc.destroy();
	}

	takeChange(): DocumentChange | null {
		if (this.#pendingUpdates.length === 0 && this.#pendingOutbox.length === 0 && !this.#rowsDirty) {
			return null;
		}
		const change: DocumentChange = {
			doc: this.name,
			kind: this.ref.kind,
			access: this.access,
			updates: this.#pendingUpdates,
			replaceUpdates: this.#replaceUpdates,
			rows: this.#rowsDirty ? readModelRows(this.state, this.name) : null,
			previous: this.#snapshot,
			outbox: this.#pendingOutbox,
			vector: Y.encodeStateVector(this.#doc),
			logLength: this.#log.length
		};
		this.#pendingUpdates = [];
		this.#pendingOutbox = [];
		this.#replaceUpdates = false;
		this.#rowsDirty = false;
		return change;
	}

	committed(change: DocumentChange, result: CommitResult): void {
		const snapshot = result.snapshots.get(this.name);
		if (snapshot) this.#snapshot = snapshot;
	}

	failed(change: DocumentChange): void {
		this.#pendingUpdates = [...change.updates, ...this.#pendingUpdates];
		this.#pendingOutbox = [...change.outbox, ...this.#pendingOutbox];
		this.#replaceUpdates ||= change.replaceUpdates === true;
		if (change.rows) this.#rowsDirty = true;
	}

	#attach(): void {
		this.#doc.on('update', this.#onUpdate);
		this.#log.observe(this.#onLogChange);
	}

	#detach(): void {
		this.#doc.off('update', this.#onUpdate);
		this.#log.unobserve(this.#onLogChange);
	}

	#onUpdate = (update: Uint8Array, origin: unknown): void => {
		if (origin !== STORAGE_ORIGIN) this.#pendingUpdates.push(update);
		if (origin !== LOCAL_ORIGIN) this.#queue.saveInBackground(this);
	};

	#onLogChange = (event: Y.YArrayEvent<unknown>): void => {
		this.#rowsDirty = true;
		const projector = this.#projector;
		if (!projector) return;
		const projected = projector.state.length;
		const [first, second, ...rest] = event.changes.delta;
		let inserted: unknown[] | undefined;
		if (projected === 0 && !second && Array.isArray(first?.insert)) inserted = first.insert;
		else if (first?.retain === projected && Array.isArray(second?.insert) && rest.length === 0) {
			inserted = second.insert;
		}
		// Anything but an append (a concurrent entry ordered before ours) means a replay from the start.
		if (inserted && this.#log.length === projected + inserted.length) projector.append(inserted);
		else this.#projector = null;
	};
}
