// The refused changes the signed-in user has not been told of yet (the shell's notice), and marking
// them told: dismissed from the notice, or shown where they were made. The rows stay in `refused`
// (Pending changes lists and exports them) until the user dismisses them there. Orders are the
// other kind of change decided after the person may have moved on: one submitted on this device is
// followed until it is provisioned, or until its failure (or the log's refusal to apply it) has
// been told, by the id of its `order.submitted` as a page showing the outcome marks it.
import { hasErrorCodeShape } from '$lib/domain/errors';
import { FOLLOWED_ORDERS_SETTING, SEEN_REFUSALS_SETTING, type AppDatabase } from './app-database';
import type { RefusedRow, Summary } from './local-records';

async function seenIds(db: AppDatabase): Promise<Set<string>> {
	const value = (await db.settings.get(SEEN_REFUSALS_SETTING))?.value;
	return new Set(Array.isArray(value) ? value.filter((id) => typeof id === 'string') : []);
}

/** `userId`'s refused changes not told of yet, newest first. */
export function untoldRefusals(db: AppDatabase, userId: string): Promise<RefusedRow[]> {
	return db.transaction('r', [db.refused, db.settings], async () => {
		const seen = await seenIds(db);
		const rows = await db.refused.orderBy('refusedAt').reverse().toArray();
		return rows.filter((row) => row.event.by.userId === userId && !seen.has(row.eventId));
	});
}

/**
 * Marks refused changes (and failed orders, by their `order.submitted`) as told. Ids of rows no
 * longer refused are forgotten on the way, so the list stays as short as the refused table.
 */
export function markRefusalsTold(db: AppDatabase, eventIds: readonly string[]): Promise<void> {
	return db.transaction('rw', [db.refused, db.settings], async () => {
		const told = new Set(eventIds);
		const followed = await followedOrders(db);
		const stillFollowed = followed.filter((entry) => !told.has(entry.eventId));
		if (stillFollowed.length !== followed.length) {
			await db.settings.put({ key: FOLLOWED_ORDERS_SETTING, value: stillFollowed });
		}
		const seen = await seenIds(db);
		const before = seen.size;
		for (const id of eventIds) seen.add(id);
		if (seen.size === before) return;
		const refused = new Set((await db.refused.toCollection().primaryKeys()) as string[]);
		const kept = [...seen].filter((id) => refused.has(id));
		await db.settings.put({ key: SEEN_REFUSALS_SETTING, value: kept });
	});
}

interface FollowedOrder {
	customerId: string;
	orderId: string;
	/** its `order.submitted` */
	eventId: string;
	/** the document it was submitted on */
	doc: string;
	/** what the person did, as the outbox said it */
	summary: Summary;
}

async function followedOrders(db: AppDatabase): Promise<FollowedOrder[]> {
	const value = (await db.settings.get(FOLLOWED_ORDERS_SETTING))?.value;
	return Array.isArray(value)
		? value.filter(
				(entry): entry is FollowedOrder =>
					typeof entry?.customerId === 'string' &&
					typeof entry?.orderId === 'string' &&
					typeof entry?.eventId === 'string' &&
					typeof entry?.doc === 'string' &&
					typeof entry?.summary?.key === 'string'
			)
		: [];
}

/**
 * Follows an order just submitted on this device: should it not be made after the person has moved
 * on, the shell tells them. Orders provisioned since are forgotten on the way.
 */
export function followOrder(db: AppDatabase, order: FollowedOrder): Promise<void> {
	return db.transaction('rw', [db.orders, db.settings], async () => {
		const kept: FollowedOrder[] = [];
		for (const entry of await followedOrders(db)) {
			const row = await db.orders.get([entry.customerId, entry.orderId]);
			if (row?.status !== 'provisioned') kept.push(entry);
		}
		kept.push(order);
		await db.settings.put({ key: FOLLOWED_ORDERS_SETTING, value: kept });
	});
}

/** An order submitted on this device that was not made, not told of yet. */
export interface FailedOrderNotice {
	/** its `order.submitted` (the id a page showing the outcome marks told) */
	eventId: string;
	doc: string;
	/** i18n key of the reason */
	code: string;
	summary: Summary;
}

/**
 * `userId`'s followed orders that were not made: the program failed them, or the log kept them
 * without applying them (another order reached the server first and left no room, say).
 */
export function untoldFailedOrders(db: AppDatabase, userId: string): Promise<FailedOrderNotice[]> {
	return db.transaction('r', [db.orders, db.superseded, db.settings], async () => {
		const notices: FailedOrderNotice[] = [];
		for (const entry of await followedOrders(db)) {
			const { eventId, doc, summary } = entry;
			const order = await db.orders.get([entry.customerId, entry.orderId]);
			if (order) {
				if (order.status !== 'failed' || order.submittedByUserId !== userId) continue;
				const code = hasErrorCodeShape(order.failureReason)
					? order.failureReason
					: 'error_unexpected';
				notices.push({ eventId, doc, code, summary });
				continue;
			}
			const superseded = await db.superseded.get([doc, eventId]);
			if (superseded && superseded.byUserId === userId) {
				notices.push({ eventId, doc, code: superseded.code, summary });
			}
		}
		return notices;
	});
}
