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

/** Every stored customer the filter matches (the whole table for an empty one). */
function matchingStored(db: AppDatabase, filter: string) {
	return matching(db, filter) ?? db.customers.toCollection();
}

/** Rows in memory only, as they are when asked. */
export type UnwrittenRows = () => Unwritten;

export interface Unwritten {
	/** rows not known to be in IndexedDB, in NAME_ORDER (`withRowsInNameOrder` keeps them so) */
	rows: readonly CustomerRow[];
	/** the customer ids of those whose write is under way (it may have landed) */
	writing: readonly string[];
}

const NONE: UnwrittenRows = () => ({ rows: [], writing: [] });

/** The `unwritten` rows the filter matches (the same prefix test as the index's). */
function matchingUnwritten(
	unwritten: readonly CustomerRow[],
	filter: string
): readonly CustomerRow[] {
	const prefix = searchKey(filter);
	return prefix === '' ? unwritten : unwritten.filter((row) => row.nameKey.startsWith(prefix));
}

/**
 * Runs `query` in one read transaction of the customers, with the rows in memory as it starts
 * that match `filter`, in the order of `sort` (name order when null).
 */
function withUnwritten<T>(
	db: AppDatabase,
	unwritten: UnwrittenRows,
	filter: string,
	sort: CustomerSort | null,
	query: (extra: readonly CustomerRow[]) => Promise<T>
): Promise<T> {
	return db.transaction('r', db.customers, async () => {
		const { rows, writing } = unwritten();
		const landed = new Set(
			writing.length === 0 ? [] : await db.customers.where(':id').anyOf(writing).primaryKeys()
		);
		const ordered = sort ? inOrder(rows, sort) : rows;
		const inMemory = landed.size === 0 ? ordered : ordered.filter((r) => !landed.has(r.customerId));
		return query(matchingUnwritten(inMemory, filter));
	});
}

/** Per array of rows in memory, its other orders (each sorted once: it holds thousands). */
const otherOrders = new WeakMap<readonly CustomerRow[], Map<CustomerSort, CustomerRow[]>>();

function inOrder(rows: readonly CustomerRow[], sort: CustomerSort): readonly CustomerRow[] {
	if (sort === 'name-asc' || rows.length < 2) return rows;
	let orders = otherOrders.get(rows);
	if (!orders) otherOrders.set(rows, (orders = new Map()));
	let sorted = orders.get(sort);
	if (!sorted) {
		sorted = sort === 'name-desc' ? [...rows].reverse() : [...rows].sort(sortOrder(sort));
		orders.set(sort, sorted);
	}
	return sorted;
}

/** The exact number of matches. IndexedDB counts key by key: ~1 ms per 1,000 matches. */
export function customerCount(
	db: AppDatabase,
	filter: string,
	unwritten: UnwrittenRows = NONE
): Promise<number> {
	return withUnwritten(db, unwritten, filter, null, async (extra) => {
		const stored = await matchingStored(db, filter).count();
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
	return withUnwritten(db, unwritten, filter, null, async (extra) => {
		const collection = matchingStored(db, filter);
		const keys = await collection.limit(limit + 1).primaryKeys();
		return keys.length > limit
			? { count: limit + extra.length, exact: false }
			: { count: keys.length + extra.length, exact: true };
	});
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type RowOrder = (a: CustomerRow, b: CustomerRow) => number;

/** The order of an index walk: its key, then the primary key (IndexedDB's order for ties). */
function sortOrder(sort: CustomerSort): RowOrder {
	const key = sort === 'name-asc' || sort === 'name-desc' ? 'nameKey' : 'createdAt';
	const ascending = (a: CustomerRow, b: CustomerRow) =>
		byKey(a[key], b[key]) || byKey(a.customerId, b.customerId);
	return sort === 'name-desc' || sort === 'added-desc' ? (a, b) => ascending(b, a) : ascending;
}

/** The order rows in memory are kept in: the name index's. */
const NAME_ORDER = sortOrder('name-asc');

/** `rows` (in NAME_ORDER) with `added` in their places, in one pass over `rows`. */
export function withRowsInNameOrder(
	rows: readonly CustomerRow[],
	added: readonly CustomerRow[]
): CustomerRow[] {
	return mergeInOrder(rows, [...added].sort(NAME_ORDER), 0, NAME_ORDER, Infinity);
}

/**
 * The first `take` rows of `a` and `b` from `bFrom` on (both in `order`) in that order, one per
 * customer: a row written while the window was read shows once (the stored one, `a`'s).
 */
function mergeInOrder(
	a: readonly CustomerRow[],
	b: readonly CustomerRow[],
	bFrom: number,
	order: RowOrder,
	take: number
): CustomerRow[] {
	const merged: CustomerRow[] = [];
	const seen = new Set<string>();
	let i = 0;
	let j = bFrom;
	while (merged.length < take && (i < a.length || j < b.length)) {
		const left = a[i];
		const right = b[j];
		const next = !right || (left && order(left, right) <= 0) ? (i++, left) : (j++, right);
		if (!next || seen.has(next.customerId)) continue;
		seen.add(next.customerId);
		merged.push(next);
	}
	return merged;
}

/** How many of `rows` (in `order`) sort before `row`. */
function countBefore(rows: readonly CustomerRow[], row: CustomerRow, order: RowOrder): number {
	let low = 0;
	let high = rows.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (order(rows[middle] as CustomerRow, row) < 0) low = middle + 1;
		else high = middle;
	}
	return low;
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
	return withUnwritten(db, unwritten, filter, sort, (extra) =>
		mergedWindow(db, filter, sort, offset, limit, extra)
	);
}

async function mergedWindow(
	db: AppDatabase,
	filter: string,
	sort: CustomerSort,
	offset: number,
	limit: number,
	extra: readonly CustomerRow[]
): Promise<CustomerRow[]> {
	if (extra.length === 0) return storedWindow(db, filter, sort, offset, limit);
	const order = sortOrder(sort);
	if (searchKey(filter) !== '' && (sort === 'added-asc' || sort === 'added-desc')) {
		const stored = await storedWindow(db, filter, sort, 0, Infinity);
		return mergeInOrder(stored, extra, 0, order, offset + limit).slice(offset);
	}
	const from = Math.max(0, offset - extra.length);
	const stored = await storedWindow(db, filter, sort, from, offset + limit - from);
	const first = stored[0];
	if (from > 0 && !first) {
		// Every stored row sorts before the window: it is the in-memory rows' tail.
		const storedCount = await matchingStored(db, filter).count();
		return extra.slice(offset - storedCount, offset - storedCount + limit);
	}
	// The merge starts at the first stored row fetched; in-memory rows before it come earlier.
	const before = first && from > 0 ? countBefore(extra, first, order) : 0;
	const start = from + before;
	return mergeInOrder(stored, extra, before, order, offset + limit - start).slice(offset - start);
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
