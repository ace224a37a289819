// Local changes waiting for the server: count, delivery on the server's acknowledgement, refusal.
import type { AppDatabase } from './app-database';
import { refusedRow } from './document-store';
import type { OutboxRow, RefusedRow } from './local-records';

/** A server state vector: client id -> the next clock the server expects from that client. */
export type StateVector = Map<number, number>;

export function isDelivered(row: Pick<OutboxRow, 'clientId' | 'clock'>, server: StateVector) {
	return (server.get(row.clientId) ?? 0) >= row.clock;
}

/** Drops the entries of `doc` the server has stored; returns how many. */
export async function markDelivered(
	db: AppDatabase,
	doc: string,
	server: StateVector
): Promise<number> {
	return db.transaction('rw', db.outbox, async () => {
		const delivered = (await db.outbox.where('doc').equals(doc).toArray()).filter((row) =>
			isDelivered(row, server)
		);
		await db.outbox.bulkDelete(delivered.map((row) => row.eventId));
		return delivered.length;
	});
}

/** Moves entries the server refused to the refused table, with the reason; returns them. */
export async function refuseEntries(
	db: AppDatabase,
	eventIds: readonly string[],
	code: string
): Promise<OutboxRow[]> {
	return db.transaction('rw', [db.outbox, db.refused], async () => {
		const rows = (await db.outbox.bulkGet([...eventIds])).filter(
			(row): row is OutboxRow => row !== undefined
		);
		const refusedAt = Date.now();
		await db.refused.bulkPut(rows.map((row) => refusedRow(row, code, refusedAt)));
		await db.outbox.bulkDelete(rows.map((row) => row.eventId));
		return rows;
	});
}

export function pendingOf(db: AppDatabase, doc: string): Promise<OutboxRow[]> {
	return db.outbox.where('doc').equals(doc).sortBy('at');
}

export function dismissRefused(db: AppDatabase, eventId: string): Promise<void> {
	return db.refused.delete(eventId);
}

/** All pending and refused changes, oldest first (the "waiting to sync" panel). */
export function pendingWork(
	db: AppDatabase
): Promise<{ pending: OutboxRow[]; refused: RefusedRow[] }> {
	return db.transaction('r', [db.outbox, db.refused], async () => ({
		pending: await db.outbox.orderBy('at').toArray(),
		refused: await db.refused.orderBy('refusedAt').toArray()
	}));
}

/** Where one change of this device stands with the server, as the outbox and refused tables say. */
export type Delivery =
	| { readonly kind: 'pending' }
	| { readonly kind: 'delivered' }
	| { readonly kind: 'refused'; readonly code: string };

/**
 * A change leaves the outbox only when the server stored it (markDelivered) or refused it
 * (refuseEntries, which keeps it in `refused` with the reason): in neither table, it was stored.
 */
export function deliveryOf(db: AppDatabase, eventId: string): Promise<Delivery> {
	return db.transaction('r', [db.outbox, db.refused], async () => {
		if (await db.outbox.get(eventId)) return { kind: 'pending' } as const;
		const refused = await db.refused.get(eventId);
		return refused ? ({ kind: 'refused', code: refused.code } as const) : { kind: 'delivered' };
	});
}
