// Runs in headless Chromium for local-data.bench.ts: fills IndexedDB through the app's own write
// path and measures the app's own queries. Bundled with esbuild; talks to the bench via `window`.
import { Dexie } from 'dexie';
import { AppDatabase } from '$lib/db/app-database';
import { customerCount, customerCountUpTo, customerWindow } from '$lib/db/customer-list';
import { commitChanges, emptySnapshot, type DocumentChange } from '$lib/db/document-store';
import { readModelRows, READ_MODEL_TABLES_BY_KIND } from '$lib/db/read-models';
import { formatHlc } from '$lib/domain/clock';
import { LOG_KEY } from '$lib/domain/documents';
import type { DomainEvent, EventType, PayloadOf } from '$lib/domain/events';
import { PROGRAM_ORG_ID, SYSTEM_USER_ID } from '$lib/domain/ids';
import { projectLog } from '$lib/flows/projection';
import { DocumentReplica } from '$lib/sync/document-replica';
import { WriteQueue } from '$lib/sync/write-queue';

export const DB_NAME = 'tiertwo-bench';
const T0 = 1_750_000_000_000;
const SYSTEM = { userId: SYSTEM_USER_ID, orgId: PROGRAM_ORG_ID };
const RESELLER = { userId: 'rita', orgId: 'contoso' };
const WORDS = [
	'Alpine',
	'Blue',
	'Coho',
	'Contoso',
	'Datum',
	'Fabrikam',
	'Fourth',
	'Graphic',
	'Humongous',
	'Litware',
	'Lucerne',
	'Margie',
	'Northwind',
	'Proseware',
	'Relecloud',
	'Southridge',
	'Tailspin',
	'Trey',
	'Wide',
	'Wingtip',
	'Woodgrove',
	'Adventure',
	'Bellows',
	'City',
	'Consolidated'
];
const KINDS = ['Toys', 'Bank', 'Winery', 'Airlines', 'Research', 'Travel', 'Studios', 'Foods'];

/** A deterministic generator (mulberry32), so every run measures the same data. */
function random(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function pick<T>(list: readonly T[], next: () => number): T {
	return list[Math.floor(next() * list.length)] as T;
}

export function customerName(index: number): string {
	const next = random(index + 1);
	return `${pick(WORDS, next)} ${pick(KINDS, next)} ${index}`;
}

function logBuilder(node: string) {
	const log: DomainEvent[] = [];
	return {
		log,
		push<T extends EventType>(
			type: T,
			by: { userId: string; orgId: string },
			payload: PayloadOf<T>
		) {
			const n = log.length;
			log.push({
				id: `${node}-${n}`,
				type,
				at: formatHlc({ wall: T0 + n * 1000, counter: 0, node }),
				by,
				payload
			} as DomainEvent);
		}
	};
}

/** A customer with a reseller relationship and three subscriptions (8 events, 6 read-model rows). */
function customerLog(index: number): DomainEvent[] {
	const { log, push } = logBuilder(`c${index}`);
	push('customer.created', SYSTEM, {
		legalName: customerName(index),
		domain: `customer${index}.example.com`,
		country: 'JP'
	});
	push('relationship.requested', SYSTEM, {
		relationshipId: 'rel-1',
		invitationId: 'inv-1',
		resellerId: RESELLER.orgId,
		providerId: null,
		expiresAt: T0 + 30 * 86_400_000
	});
	push(
		'relationship.accepted',
		{ userId: 'admin', orgId: `c${index}` },
		{ relationshipId: 'rel-1' }
	);
	push('order.submitted', RESELLER, {
		orderId: 'order-1',
		onBehalfOf: null,
		lines: [
			{ kind: 'newSubscription', offerId: 'business-basic', term: 'annual', quantity: 10 },
			{ kind: 'newSubscription', offerId: 'business-standard', term: 'monthly', quantity: 5 },
			{ kind: 'newSubscription', offerId: 'business-premium', term: 'annual', quantity: 2 }
		]
	});
	push('order.provisioned', SYSTEM, {
		orderId: 'order-1',
		newSubscriptions: [0, 1, 2].map((lineIndex) => ({
			lineIndex,
			subscriptionId: `sub-${lineIndex}`,
			renewsAt: T0 + 365 * 86_400_000
		}))
	});
	return log;
}

export interface ImportFigures {
	customers: number;
	rows: number;
	projectMs: number;
	commitMs: number;
}

/** Writes `count` customer documents' read models in transactions of `batch` documents. */
async function importCustomers(count: number, batch = 1000): Promise<ImportFigures> {
	await Dexie.delete(DB_NAME);
	const db = new AppDatabase(DB_NAME);
	await db.open();
	const figures: ImportFigures = { customers: count, rows: 0, projectMs: 0, commitMs: 0 };
	const vector = new Uint8Array([0]);
	for (let start = 0; start < count; start += batch) {
		let t = performance.now();
		const changes: DocumentChange[] = [];
		for (let index = start; index < Math.min(count, start + batch); index++) {
			const doc = `customer/c${index}`;
			const log = customerLog(index);
			const rows = readModelRows(
				projectLog({ kind: 'customer', customerId: `c${index}` }, log),
				doc
			);
			for (const table of READ_MODEL_TABLES_BY_KIND.customer)
				figures.rows += rows[table]?.length ?? 0;
			changes.push({
				doc,
				kind: 'customer',
				access: 'write',
				updates: [],
				rows,
				previous: emptySnapshot('customer'),
				outbox: [],
				vector,
				logLength: log.length
			});
		}
		figures.projectMs += performance.now() - t;
		t = performance.now();
		await commitChanges(db, changes);
		figures.commitMs += performance.now() - t;
	}
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
