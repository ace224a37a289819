// Generated customers for the local-data benches: deterministic names, an 8-event log per customer
// (relationship, a three-subscription order), and their import through the app's own write path
// (projection, read-model rows, commitChanges) into an AppDatabase.
import type { AppDatabase } from '$lib/db/app-database';
import { commitChanges, emptySnapshot, type DocumentChange } from '$lib/db/document-store';
import { readModelRows, READ_MODEL_TABLES_BY_KIND } from '$lib/db/read-models';
import { formatHlc } from '$lib/domain/clock';
import type { DomainEvent, EventType, PayloadOf } from '$lib/domain/events';
import { PROGRAM_ORG_ID, SYSTEM_USER_ID } from '$lib/domain/ids';
import { projectLog } from '$lib/flows/documents/projection';

export const T0 = 1_750_000_000_000;
export const SYSTEM = { userId: SYSTEM_USER_ID, orgId: PROGRAM_ORG_ID };
export const RESELLER = { userId: 'rita', orgId: 'contoso' };
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

export function logBuilder(node: string) {
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
export function customerLog(index: number): DomainEvent[] {
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

/** Writes `count` customer documents' read models into `db` in transactions of `batch` documents. */
export async function importCustomerDocuments(
	db: AppDatabase,
	count: number,
	batch = 1000
): Promise<ImportFigures> {
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
			for (const table of READ_MODEL_TABLES_BY_KIND.customer) {
				figures.rows += rows[table]?.length ?? 0;
			}
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
	return figures;
}
