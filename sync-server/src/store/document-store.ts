// Durable Yjs documents: each is a compacted snapshot plus the updates accepted after it, in order.
import type { SqliteDatabase } from './database.js';
import type { StoredDocument, StoredTail } from './storage.js';

export type { StoredDocument };

export class DocumentStore {
	readonly #db: SqliteDatabase;
	readonly #statements;

	constructor(db: SqliteDatabase) {
		this.#db = db;
		this.#statements = {
			doc: db.prepare<[string], { snapshot: Buffer | null; snapshot_seq: number }>(
				'SELECT snapshot, snapshot_seq FROM documents WHERE name = ?'
			),
			updates: db.prepare<[string, number], { seq: number; data: Buffer }>(
				'SELECT seq, data FROM document_updates WHERE doc = ? AND seq > ? ORDER BY seq'
			),
			create: db.prepare<[string, number, number]>(
				'INSERT OR IGNORE INTO documents (name, created_at, updated_at) VALUES (?, ?, ?)'
			),
			insertUpdate: db.prepare<[string, number, Uint8Array]>(
				'INSERT INTO document_updates (doc, seq, data) VALUES (?, ?, ?)'
			),
			setSnapshot: db.prepare<[Uint8Array, number, number, number, number, string]>(
				'UPDATE documents SET snapshot = ?, snapshot_seq = ?, last_seq = ?, bytes = ?, updated_at = ? WHERE name = ?'
			),
			dropUpdates: db.prepare<[string, number]>(
				'DELETE FROM document_updates WHERE doc = ? AND seq <= ?'
			),
			remainingBytes: db.prepare<[string, number], { total: number | null }>(
				'SELECT SUM(length(data)) AS total FROM document_updates WHERE doc = ? AND seq > ?'
			),
			names: db.prepare<[], { name: string }>('SELECT name FROM documents ORDER BY name'),
			exists: db.prepare<[string], { one: number }>(
				'SELECT 1 AS one FROM documents WHERE name = ?'
			),
			maxSeq: db.prepare<[string], { seq: number | null }>(
				'SELECT MAX(seq) AS seq FROM document_updates WHERE doc = ?'
			),
			claimClient: db.prepare<[string, number, string]>(
				'INSERT OR IGNORE INTO document_clients (doc, client, owner) VALUES (?, ?, ?)'
			),
			clientOwner: db.prepare<[string, number], { owner: string }>(
				'SELECT owner FROM document_clients WHERE doc = ? AND client = ?'
			)
		};
	}

	/** The last sequence number of each document appended to (this process is the file's only writer). */
	readonly #lastSeq = new Map<string, number>();

	/** The next sequence number for `name` (from the file the first time). */
	nextSeq(name: string): number {
		let last = this.#lastSeq.get(name);
		if (last === undefined) {
			const row = this.#statements.doc.get(name);
			last = Math.max(row?.snapshot_seq ?? 0, this.#statements.maxSeq.get(name)?.seq ?? 0);
		}
		this.#lastSeq.set(name, last + 1);
		return last + 1;
	}

	/** Forgets the counters (after a failed transaction their increments were not stored). */
	forgetSeqs(): void {
		this.#lastSeq.clear();
	}

	since(name: string, afterSeq: number): StoredTail | null {
		const row = this.#statements.doc.get(name);
		if (!row) return null;
		const compacted = row.snapshot_seq > afterSeq;
		const rows = this.#statements.updates.all(name, compacted ? row.snapshot_seq : afterSeq);
		return {
			snapshot: compacted && row.snapshot ? new Uint8Array(row.snapshot) : null,
			updates: rows.map((u) => ({ seq: u.seq, data: new Uint8Array(u.data) })),
			lastSeq: rows.at(-1)?.seq ?? Math.max(row.snapshot_seq, afterSeq)
		};
	}

	exists(name: string): boolean {
		return this.#statements.exists.get(name) !== undefined;
	}

	names(): string[] {
		return this.#statements.names.all().map((row) => row.name);
	}

	load(name: string): StoredDocument | null {
		const row = this.#statements.doc.get(name);
		if (!row) return null;
		const rows = this.#statements.updates.all(name, row.snapshot_seq);
		const updates = rows.map((u) => new Uint8Array(u.data));
		const snapshot = row.snapshot ? new Uint8Array(row.snapshot) : null;
		return {
			snapshot,
			updates,
			lastSeq: rows.at(-1)?.seq ?? row.snapshot_seq,
			bytes: (snapshot?.byteLength ?? 0) + updates.reduce((sum, u) => sum + u.byteLength, 0)
		};
	}

	/**
	 * Durably appends one accepted update under the next sequence number (the caller keeps the
	 * count: `lastSeq` from `load`). One statement, one commit: the hot path of every edit.
	 */
	append(name: string, seq: number, update: Uint8Array, now: number): void {
		if (seq === 1) this.#statements.create.run(name, now, now);
		this.#statements.insertUpdate.run(name, seq, update);
	}

	/** Runs `fn` in one transaction (one commit for many appends). */
	transaction(fn: () => void): void {
		this.#db.transaction(fn)();
	}

	/** See DocumentStorage.claimClients. */
	claimClients(
		name: string,
		fresh: readonly number[],
		existing: readonly number[],
		owner: string
	): Map<number, string> {
		return this.#db.transaction(() => {
			const owners = new Map<number, string>();
			for (const client of fresh) this.#statements.claimClient.run(name, client, owner);
			for (const client of [...fresh, ...existing]) {
				const row = this.#statements.clientOwner.get(name, client);
				if (row) owners.set(client, row.owner);
			}
			return owners;
		})();
	}

	/**
	 * Replaces the updates up to `uptoSeq` by a snapshot that contains them (the caller encodes the
	 * live document, which holds exactly the updates stored so far). Returns the document's new size.
	 */
	compact(name: string, snapshot: Uint8Array, uptoSeq: number, now: number): number {
		return this.#db.transaction(() => {
			const current = this.#statements.doc.get(name);
			if (current && current.snapshot_seq >= uptoSeq) {
				return (
					(current.snapshot?.byteLength ?? 0) +
					(this.#statements.remainingBytes.get(name, current.snapshot_seq)?.total ?? 0)
				);
			}
			this.#statements.dropUpdates.run(name, uptoSeq);
			const rest = this.#statements.remainingBytes.get(name, uptoSeq)?.total ?? 0;
			const bytes = snapshot.byteLength + rest;
			this.#statements.setSnapshot.run(snapshot, uptoSeq, uptoSeq, bytes, now, name);
			return bytes;
		})();
	}
}
