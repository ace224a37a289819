// Runs in headless Chromium for local-data.bench.ts: fills IndexedDB through the app's own write
// path and measures the app's own queries. Bundled with esbuild; talks to the bench via `window`.
import { Dexie } from 'dexie';
import { AppDatabase } from '$lib/db/app-database';
import { customerCount, customerCountUpTo, customerWindow } from '$lib/db/customer-list';
import { LOG_KEY } from '$lib/domain/documents';
import type { DomainEvent } from '$lib/domain/events';
import { DocumentReplica } from '$lib/sync/document-replica';
import { WriteQueue } from '$lib/sync/write-queue';
import {
	customerName,
	importCustomerDocuments,
	logBuilder,
	RESELLER,
	SYSTEM,
	T0,
	type ImportFigures
} from './customer-import';

export const DB_NAME = 'tiertwo-bench';
/** Writes `count` customer documents' read models into a fresh bench database. */
async function importCustomers(count: number, batch = 1000): Promise<ImportFigures> {
	await Dexie.delete(DB_NAME);
	const db = new AppDatabase(DB_NAME);
	await db.open();
	const figures = await importCustomerDocuments(db, count, batch);
	db.close();
	return figures;
}

/**
 * Types names character by character and deletes them again. Per keystroke, what the page asks
 * at once: the first rows for the new filter and the quick count (exact up to 500). Separately,
 * the exact count the page asks once typing pauses (only needed above 500 matches).
 */
async function keystrokes(words: readonly string[]): Promise<{ rows: number[]; counts: number[] }> {
	const db = new AppDatabase(DB_NAME);
	await db.open();
	await customerWindow(db, '', 'name-asc', 0, 50);
	const rows: number[] = [];
	const counts: number[] = [];
	const query = async (filter: string) => {
		let t = performance.now();
		await Promise.all([
			customerWindow(db, filter, 'name-asc', 0, 75),
			customerCountUpTo(db, filter)
		]);
		rows.push(performance.now() - t);
		t = performance.now();
		await customerCount(db, filter);
		counts.push(performance.now() - t);
	};
	for (const word of words) {
		for (let i = 1; i <= word.length; i++) await query(word.slice(0, i));
		for (let i = word.length - 1; i >= 0; i--) await query(word.slice(0, i));
	}
	db.close();
	return { rows, counts };
}

const DOC = 'customer/big';

/** Stores one customer document of `events` events as the app would (updates, compacted). */
async function storeBigDocument(events: number): Promise<void> {
	const db = new AppDatabase(DB_NAME);
	const queue = new WriteQueue(db);
	const replica = await DocumentReplica.open(db, queue, DOC, 'write');
	const log = replica.doc.getArray<DomainEvent>(LOG_KEY);
	const { log: events_, push } = logBuilder('big');
	push('customer.created', SYSTEM, {
		legalName: 'Big Customer',
		domain: 'big.example.com',
		country: 'JP'
	});
	push('relationship.requested', SYSTEM, {
		relationshipId: 'rel-1',
		invitationId: 'inv-1',
		resellerId: RESELLER.orgId,
		providerId: null,
		expiresAt: T0 + 30 * 86_400_000
	});
	push('relationship.accepted', { userId: 'admin', orgId: 'big' }, { relationshipId: 'rel-1' });
	push('order.submitted', RESELLER, {
		orderId: 'order-1',
		onBehalfOf: null,
		lines: [{ kind: 'newSubscription', offerId: 'business-basic', term: 'annual', quantity: 300 }]
	});
	push('order.provisioned', SYSTEM, {
		orderId: 'order-1',
		newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-1', renewsAt: T0 + 365 * 86_400_000 }]
	});
	let user = 0;
	while (events_.length < events) {
		const id = `tu-${user++}`;
		push('tenantUser.added', RESELLER, {
			tenantUserId: id,
			displayName: `User ${user}`,
			userName: `u${user}@big.example.com`
		});
		push('license.assigned', RESELLER, { subscriptionId: 'sub-1', tenantUserId: id });
		if (user % 2 === 0) {
			push('license.unassigned', RESELLER, { subscriptionId: 'sub-1', tenantUserId: id });
			push('tenantUser.removed', RESELLER, { tenantUserId: id });
		}
	}
	// Appended in chunks of 50 events, as edits and syncs arrive: compaction merges the rows.
	for (let start = 0; start < events; start += 50) {
		log.push(events_.slice(start, Math.min(events, start + 50)));
		await queue.settled();
	}
	replica.close();
	db.close();
}

async function openBigDocument(): Promise<{
	openMs: number;
	projectMs: number;
	events: number;
	storedRows: number;
}> {
	const db = new AppDatabase(DB_NAME);
	await db.open();
	const storedRows = await db.docUpdates.where('doc').equals(DOC).count();
	const queue = new WriteQueue(db);
	let t = performance.now();
	const replica = await DocumentReplica.open(db, queue, DOC, 'write');
	const openMs = performance.now() - t;
	t = performance.now();
	const state = replica.state;
	const projectMs = performance.now() - t;
	replica.close();
	db.close();
	return { openMs, projectMs, events: state.length, storedRows };
}

Object.assign(window, {
	bench: { importCustomers, keystrokes, storeBigDocument, openBigDocument, customerName }
});
document.title = 'ready';
