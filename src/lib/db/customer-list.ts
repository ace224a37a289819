// The Customers list's queries: a count and a window of rows, filtered by name prefix from the
// `nameKey` index (never a scan of the table) and sorted by name or date added. A new device lists
// rows it holds only in memory too (`unwritten`: the server's summaries not yet written, since
// IndexedDB takes seconds per thousand rows), merged into the count and the window in the order
// the indexes give, so the list is complete as soon as the summaries arrive. They leave memory only
// once written; the query reads them inside its own read transaction and leaves out those of the
// write under way that it already sees stored, so no row is counted twice or missed.
import type { AppDatabase } from './app-database';
import type { CustomerRow } from './read-models/customers';
import { searchKey } from './text-key';

export const CUSTOMER_SORTS = ['name-asc', 'name-desc', 'added-desc', 'added-asc'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

function matching(db: AppDatabase, filter: string) {
	const prefix = searchKey(filter);
	return prefix === '' ? null : db.customers.where('nameKey').startsWith(prefix);
}

/** Rows in memory only, as they are when asked. */
export type UnwrittenRows = () => Unwritten;

export interface Unwritten {
	/** rows not known to be in IndexedDB */
	rows: readonly CustomerRow[];
	/** the customer ids of those whose write is under way (it may have landed) */
	writing: readonly string[];
}

const NONE: UnwrittenRows = () => ({ rows: [], writing: [] });

/** The `unwritten` rows the filter matches (the same prefix test as the index's). */
function matchingUnwritten(unwritten: readonly CustomerRow[], filter: string): CustomerRow[] {
	const prefix = searchKey(filter);
	return prefix === '' ? [...unwritten] : unwritten.filter((row) => row.nameKey.startsWith(prefix));
}

/** Runs `query` in one read transaction of the customers, with the rows in memory as it starts. */
function withUnwritten<T>(
	db: AppDatabase,
	unwritten: UnwrittenRows,
	filter: string,
	query: (extra: CustomerRow[]) => Promise<T>
): Promise<T> {
	return db.transaction('r', db.customers, async () => {
		const { rows, writing } = unwritten();
		const landed = new Set(
			writing.length === 0 ? [] : await db.customers.where(':id').anyOf(writing).primaryKeys()
		);
		const inMemory = landed.size === 0 ? rows : rows.filter((row) => !landed.has(row.customerId));
		return query(matchingUnwritten(inMemory, filter));
	});
}

/** The exact number of matches. IndexedDB counts key by key: ~1 ms per 1,000 matches. */
export function customerCount(
	db: AppDatabase,
	filter: string,
	unwritten: UnwrittenRows = NONE
): Promise<number> {
	return withUnwritten(db, unwritten, filter, async (extra) => {
		const stored = await (matching(db, filter) ?? db.customers.toCollection()).count();
		return stored + extra.length;
	});
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
 * waits on counting a long range: a broad filter answers "more than `limit`" (plus the rows in
 * memory, which are counted exactly).
 */
export function customerCountUpTo(
	db: AppDatabase,
	filter: string,
	limit = QUICK_COUNT_LIMIT,
	unwritten: UnwrittenRows = NONE
): Promise<QuickCount> {
	return withUnwritten(db, unwritten, filter, async (extra) => {
		const collection = matching(db, filter) ?? db.customers.toCollection();
		const keys = await collection.limit(limit + 1).primaryKeys();
		return keys.length > limit
			? { count: limit + extra.length, exact: false }
			: { count: keys.length + extra.length, exact: true };
	});
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The order of an index walk: its key, then the primary key (IndexedDB's order for ties). */
function sortOrder(sort: CustomerSort): (a: CustomerRow, b: CustomerRow) => number {
	const key = sort === 'name-asc' || sort === 'name-desc' ? 'nameKey' : 'createdAt';
	const ascending = (a: CustomerRow, b: CustomerRow) =>
		byKey(a[key], b[key]) || byKey(a.customerId, b.customerId);
	return sort === 'name-desc' || sort === 'added-desc' ? (a, b) => ascending(b, a) : ascending;
}

/**
 * Rows `offset` to `offset + limit` of the list. Name sorts and unfiltered date sorts walk an
 * index from the window's start; a filtered date sort sorts only the matching rows in memory.
 * Rows in memory (`unwritten`) take their places among the stored ones: at most all of them sort
 * before the window, so the stored rows from `offset - unwritten` on are all it can need.
 */
export function customerWindow(
	db: AppDatabase,
	filter: string,
	sort: CustomerSort,
	offset: number,
	limit: number,
	unwritten: UnwrittenRows = NONE
): Promise<CustomerRow[]> {
	return withUnwritten(db, unwritten, filter, (extra) =>
		mergedWindow(db, filter, sort, offset, limit, extra)
	);
}

async function mergedWindow(
	db: AppDatabase,
	filter: string,
	sort: CustomerSort,
	offset: number,
	limit: number,
	extra: CustomerRow[]
): Promise<CustomerRow[]> {
	if (extra.length === 0) return storedWindow(db, filter, sort, offset, limit);
	const order = sortOrder(sort);
	extra.sort(order);
	if (filter !== '' && (sort === 'added-asc' || sort === 'added-desc')) {
		const rows = distinct([...(await storedWindow(db, filter, sort, 0, Infinity)), ...extra]);
		return rows.sort(order).slice(offset, offset + limit);
	}
	const from = Math.max(0, offset - extra.length);
	const stored = await storedWindow(db, filter, sort, from, offset + limit - from);
	const first = stored[0];
	if (from > 0 && !first) {
		// Every stored row sorts before the window: it is the in-memory rows' tail.
		const storedCount = await (matching(db, filter) ?? db.customers.toCollection()).count();
		return extra.slice(offset - storedCount, offset - storedCount + limit);
	}
	// The merge starts at the first stored row fetched; in-memory rows before it come earlier.
	const before = first && from > 0 ? extra.filter((row) => order(row, first) < 0).length : 0;
	const merged = distinct([...stored, ...(from > 0 ? extra.slice(before) : extra)]).sort(order);
	const start = from + before;
	return merged.slice(offset - start, offset - start + limit);
}

/** One row per customer: one written while the window was read shows once (the stored one). */
function distinct(rows: CustomerRow[]): CustomerRow[] {
	const seen = new Set<string>();
	return rows.filter((row) => {
		if (seen.has(row.customerId)) return false;
		seen.add(row.customerId);
		return true;
	});
}

async function storedWindow(
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
	// Sorted as the date index would (ties by customer id), so rows in memory merge the same way.
	const rows = await filtered.toArray();
	return rows.sort(sortOrder(sort)).slice(offset, offset + limit);
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
