// Writes document changes to IndexedDB: the Yjs update, the document's read-model rows, its outbox
// entries and its bookkeeping, all in ONE transaction, so a page never sees half of a change and a
// crash leaves the previous state. Also loads, compacts and removes documents.
import type { IndexableType, Table } from 'dexie';
import * as Y from 'yjs';
import { parseDocumentName, type DocumentKind } from '$lib/domain/documents';
import type { AppDatabase } from './app-database';
import type { DocumentAccess, KnownDocumentRow, OutboxRow, RefusedRow } from './local-records';
import {
	documentRows,
	READ_MODEL_TABLES,
	READ_MODEL_TABLES_BY_KIND,
	type ReadModelRows
} from './read-models';

/** A document with more stored update rows than this has them merged into one. */
export const COMPACT_ABOVE = 50;

/** The most rows one bulk request of a commit writes or deletes (TableWrites.flush). */
export const ROWS_PER_REQUEST = 1_000;

/** What one writer last wrote for a document: per table, primary key (as JSON) -> row (as JSON). */
export type RowSnapshot = Map<string, Map<string, string>>;

/** The snapshot of a document that has no rows stored yet (never written on this device). */
export function emptySnapshot(kind: DocumentKind): RowSnapshot {
	return new Map(READ_MODEL_TABLES_BY_KIND[kind].map((table) => [table, new Map()]));
}

export interface DocumentChange {
	doc: string;
	kind: DocumentKind;
	access: DocumentAccess;
	/** Yjs updates to store (made here or received from the server); none for peer-tab updates */
	updates: Uint8Array[];
	/** drop the stored updates first (a document rebuilt from the server) */
	replaceUpdates?: boolean;
	/** the document's complete read-model rows, or null when they did not change */
	rows: ReadModelRows | null;
	/** what this writer last wrote; null = unknown, so compare with what is stored */
	previous: RowSnapshot | null;
	outbox: OutboxRow[];
	vector: Uint8Array;
	logLength: number;
}

export interface CommitResult {
	/** per document: the rows as now stored, for the next change's diff */
	snapshots: Map<string, RowSnapshot>;
	/** seq of every update row written (the cross-tab feed skips its own) */
	seqs: number[];
}

export interface StoredDocument {
	/** every stored update (apply them in one Y transaction: faster than merging them first) */
	updates: Uint8Array[];
	known: KnownDocumentRow | undefined;
}

function tablesOf(db: AppDatabase): Table[] {
	return [
		db.docUpdates,
		db.documents,
		db.outbox,
		...READ_MODEL_TABLES.map((name) => db.table(name))
	];
}

function primaryKeyOf(table: Table, row: object): IndexableType {
	const keyPath = table.schema.primKey.keyPath;
	const record = row as Record<string, IndexableType>;
	if (Array.isArray(keyPath)) return keyPath.map((part) => record[part]) as IndexableType;
	return record[keyPath as string] as IndexableType;
}

/** Rows to put and keys to delete, per table, gathered from every change of one commit. */
class TableWrites {
	#puts = new Map<string, object[]>();
	#deletes = new Map<string, IndexableType[]>();

	put(table: string, rows: object[]): void {
		if (rows.length === 0) return;
		const queued = this.#puts.get(table);
		if (queued) queued.push(...rows);
		else this.#puts.set(table, [...rows]);
	}

	delete(table: string, keys: IndexableType[]): void {
		if (keys.length === 0) return;
		const queued = this.#deletes.get(table);
		if (queued) queued.push(...keys);
		else this.#deletes.set(table, [...keys]);
	}

	/**
	 * One bulk request per table, all issued at once (IndexedDB runs them in order without a round
	 * trip to JavaScript between them). The changes are of different documents, so their keys differ,
	 * and a key is never both deleted and put. A table with more than ROWS_PER_REQUEST rows to write
	 * (an org's invitations document at a distributor: a link per customer) goes in requests of that
	 * many, one after another: each is a short task (the browser clones every row as it is put), so
	 * the page answers between them instead of freezing for seconds.
	 */
	async flush(db: AppDatabase): Promise<void> {
		const requests: (() => Promise<unknown>)[] = [];
		let large = false;
		for (const [table, keys] of this.#deletes) {
			large ||= keys.length > ROWS_PER_REQUEST;
			for (let at = 0; at < keys.length; at += ROWS_PER_REQUEST) {
				requests.push(() => db.table(table).bulkDelete(keys.slice(at, at + ROWS_PER_REQUEST)));
			}
		}
		for (const [table, rows] of this.#puts) {
			large ||= rows.length > ROWS_PER_REQUEST;
			for (let at = 0; at < rows.length; at += ROWS_PER_REQUEST) {
				requests.push(() => db.table(table).bulkPut(rows.slice(at, at + ROWS_PER_REQUEST)));
			}
		}
		if (!large) {
			await Promise.all(requests.map((request) => request()));
			return;
		}
		for (const request of requests) await request();
	}
}

/** A document's new rows per table, keyed and serialized before the transaction starts. */
type PreparedRows = Map<string, Map<string, { row: object; json: string }>>;

function prepareRows(db: AppDatabase, change: DocumentChange, rows: ReadModelRows): PreparedRows {
	const prepared: PreparedRows = new Map();
	for (const name of READ_MODEL_TABLES_BY_KIND[change.kind]) {
		const table = db.table(name);
		const keyed = new Map<string, { row: object; json: string }>();
		for (const row of rows[name] ?? []) {
			keyed.set(JSON.stringify(primaryKeyOf(table, row)), { row, json: JSON.stringify(row) });
		}
		prepared.set(name, keyed);
	}
	return prepared;
}

/**
 * Commits every change in one transaction; all or nothing. The CPU work (serializing rows) is done
 * before the transaction opens, so it stays short and only awaits IndexedDB requests.
 */
export async function commitChanges(
	db: AppDatabase,
	changes: readonly DocumentChange[]
): Promise<CommitResult> {
	const result: CommitResult = { snapshots: new Map(), seqs: [] };
	const prepared = changes.map((change) =>
		change.rows ? prepareRows(db, change, change.rows) : null
	);
	const now = Date.now();
	await db.transaction('rw', tablesOf(db), async () => {
		const writes = new TableWrites();
		for (const [index, change] of changes.entries()) {
			if (change.updates.length > 0 || change.replaceUpdates) {
				await writeUpdates(db, change, result.seqs);
			}
			const rows = prepared[index];
			if (rows) {
				// Awaiting only real requests: a transaction with none pending may commit early.
				const stored = READ_MODEL_TABLES_BY_KIND[change.kind].every((name) =>
					change.previous?.has(name)
				)
					? new Map()
					: await storedRowsWhereUnknown(db, change);
				result.snapshots.set(change.doc, diffRows(change, rows, stored, writes));
			}
			writes.put('outbox', change.outbox);
			writes.put('documents', [
				{
					name: change.doc,
					kind: change.kind,
					access: change.access,
					vector: change.vector,
					logLength: change.logLength,
					updatedAt: now
				} satisfies KnownDocumentRow
			]);
		}
		await writes.flush(db);
	});
	return result;
}

async function writeUpdates(db: AppDatabase, change: DocumentChange, seqs: number[]) {
	const stored = db.docUpdates.where('doc').equals(change.doc);
	if (change.replaceUpdates) await stored.delete();
	for (const update of change.updates) {
		seqs.push((await db.docUpdates.add({ doc: change.doc, update })) as number);
	}
	if ((await stored.count()) <= COMPACT_ABOVE) return;
	// Merge what is stored, not this tab's Y.Doc: another tab may have stored updates we lack.
	const rows = await stored.toArray();
	await db.docUpdates.bulkDelete(rows.map((row) => row.seq as number));
	const merged = Y.mergeUpdates(rows.map((row) => row.update));
	seqs.push((await db.docUpdates.add({ doc: change.doc, update: merged })) as number);
}

/** What is stored for the tables this writer has no snapshot of (none: no request at all). */
async function storedRowsWhereUnknown(
	db: AppDatabase,
	change: DocumentChange
): Promise<RowSnapshot> {
	const stored: RowSnapshot = new Map();
	for (const name of READ_MODEL_TABLES_BY_KIND[change.kind]) {
		if (!change.previous?.has(name)) stored.set(name, await storedRows(db.table(name), change.doc));
	}
	return stored;
}

/** The document's rows that changed or vanished since they were last written, queued in `writes`. */
function diffRows(
	change: DocumentChange,
	rows: PreparedRows,
	stored: RowSnapshot,
	writes: TableWrites
): RowSnapshot {
	const snapshot: RowSnapshot = new Map();
	for (const [name, next] of rows) {
		const before = change.previous?.get(name) ?? stored.get(name) ?? new Map<string, string>();
		const changed: object[] = [];
		for (const [key, { row, json }] of next) if (before.get(key) !== json) changed.push(row);
		const vanished = [...before.keys()].filter((key) => !next.has(key));
		writes.delete(
			name,
			vanished.map((key) => JSON.parse(key) as IndexableType)
		);
		writes.put(name, changed);
		snapshot.set(name, new Map([...next].map(([key, { json }]) => [key, json])));
	}
	return snapshot;
}

/** The document's rows as stored (when this writer has not written them yet in this session). */
async function storedRows(table: Table, doc: string): Promise<Map<string, string>> {
	const ref = parseDocumentName(doc);
	if (!ref) return new Map();
	const rows = (await documentRows(table, ref).toArray()) as object[];
	return new Map(
		rows.map((row) => [JSON.stringify(primaryKeyOf(table, row)), JSON.stringify(row)])
	);
}

/** Everything stored for a document (read before connecting: offline first). */
export async function loadDocument(db: AppDatabase, doc: string): Promise<StoredDocument> {
	return db.transaction('r', [db.docUpdates, db.documents], async () => {
		const rows = await db.docUpdates.where('doc').equals(doc).toArray();
		const known = await db.documents.get(doc);
		return { updates: rows.map((row) => row.update), known };
	});
}

/**
 * Forgets a document the user may no longer see: its updates and read-model rows. Its changes
 * still waiting to sync are kept aside as refused with `code`, never dropped silently.
 */
export async function removeDocument(db: AppDatabase, doc: string, code: string): Promise<void> {
	await db.transaction('rw', [...tablesOf(db), db.refused, db.docVersions], async () => {
		const pending = await db.outbox.where('doc').equals(doc).toArray();
		const refusedAt = Date.now();
		await db.refused.bulkPut(pending.map((row) => refusedRow(row, code, refusedAt)));
		await db.outbox.bulkDelete(pending.map((row) => row.eventId));
		await db.docUpdates.where('doc').equals(doc).delete();
		const ref = parseDocumentName(doc);
		if (ref) {
			for (const name of READ_MODEL_TABLES_BY_KIND[ref.kind]) {
				await documentRows(db.table(name), ref).delete();
			}
		}
		await db.documents.delete(doc);
		await db.docVersions.delete(doc);
	});
}

export function refusedRow(row: OutboxRow, code: string, refusedAt: number): RefusedRow {
	return {
		eventId: row.eventId,
		doc: row.doc,
		code,
		event: row.event,
		summary: row.summary,
		at: row.at,
		refusedAt
	};
}
