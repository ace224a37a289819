// The Customers list's queries: a count and a window of rows, filtered by name prefix from the
// `nameKey` index (never a scan of the table) and sorted by name or date added.
import type { AppDatabase } from './app-database';
import type { CustomerRow } from './read-models/customers';
import { searchKey } from './text-key';

export const CUSTOMER_SORTS = ['name-asc', 'name-desc', 'added-desc', 'added-asc'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

function matching(db: AppDatabase, filter: string) {
	const prefix = searchKey(filter);
	return prefix === '' ? null : db.customers.where('nameKey').startsWith(prefix);
}

/** The exact number of matches. IndexedDB counts key by key: ~1 ms per 1,000 matches. */
export function customerCount(db: AppDatabase, filter: string): Promise<number> {
	return (matching(db, filter) ?? db.customers.toCollection()).count();
}

/** A count that is exact up to this many matches. */
export const QUICK_COUNT_LIMIT = 500;

export interface QuickCount {
	count: number;
	/** false: there are more than `count` matches (ask `customerCount` when typing pauses) */
	exact: boolean;
}

/**
 * Counts the matches up to `limit` in one request (the index's first keys), so a keystroke never
 * waits on counting a long range: a broad filter answers "more than `limit`".
 */
export async function customerCountUpTo(
	db: AppDatabase,
	filter: string,
	limit = QUICK_COUNT_LIMIT
): Promise<QuickCount> {
	const collection = matching(db, filter) ?? db.customers.toCollection();
	const keys = await collection.limit(limit + 1).primaryKeys();
	return keys.length > limit ? { count: limit, exact: false } : { count: keys.length, exact: true };
}

/**
 * Rows `offset` to `offset + limit` of the list. Name sorts and unfiltered date sorts walk an
 * index from the window's start; a filtered date sort sorts only the matching rows in memory.
 */
export async function customerWindow(
	db: AppDatabase,
	filter: string,
	sort: CustomerSort,
	offset: number,
	limit: number
): Promise<CustomerRow[]> {
	const filtered = matching(db, filter);
	const descending = sort === 'name-desc' || sort === 'added-desc';
	if (sort === 'name-asc' || sort === 'name-desc') {
		const collection = filtered ?? db.customers.orderBy('nameKey');
		return (descending ? collection.reverse() : collection).offset(offset).limit(limit).toArray();
	}
	if (!filtered) {
		const collection = db.customers.orderBy('createdAt');
		return (descending ? collection.reverse() : collection).offset(offset).limit(limit).toArray();
	}
	const rows = await filtered.toArray();
	rows.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
	if (descending) rows.reverse();
	return rows.slice(offset, offset + limit);
}

/**
 * View customers: the customers reseller `resellerId` shares with provider `providerId` (an active
 * relationship naming both), by name.
 */
export async function sharedCustomers(
	db: AppDatabase,
	resellerId: string,
	providerId: string
): Promise<CustomerRow[]> {
	return db.transaction('r', [db.customerRelationships, db.customers], async () => {
		const relationships = await db.customerRelationships
			.where('resellerId')
			.equals(resellerId)
			.filter((r) => r.providerId === providerId && r.status === 'active')
			.toArray();
		const ids = [...new Set(relationships.map((r) => r.customerId))];
		const rows = await db.customers.bulkGet(ids);
		return rows
			.filter((row): row is CustomerRow => row !== undefined)
			.sort((a, b) => (a.nameKey < b.nameKey ? -1 : a.nameKey > b.nameKey ? 1 : 0));
	});
}
