import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppDatabase } from '$lib/db/app-database';
import {
	CUSTOMER_SORTS,
	customerCount,
	customerCountUpTo,
	customerWindow,
	withRowsInNameOrder
} from '$lib/db/customer-list';
import type { CustomerRow } from '$lib/db/read-models/customers';
import { onTableChange } from '$lib/db/table-changes';
import { searchKey } from '$lib/db/text-key';

let db: AppDatabase;
beforeEach(() => {
	db = new AppDatabase(`list-${Math.random().toString(36).slice(2)}`);
});
afterEach(async () => {
	db.close();
	await Dexie.delete(db.name);
});

function customer(customerId: string, legalName: string, createdAt: string): CustomerRow {
	return {
		doc: `customer/${customerId}`,
		customerId,
		legalName,
		nameKey: searchKey(legalName),
		domain: `${customerId}.example.com`,
		country: 'JP',
		createdAt,
		resellerIds: [],
		providerIds: [],
		subscriptionCount: 0,
		licenseCount: 0,
		assignedCount: 0,
		userCount: 0
	};
}

const names = (rows: CustomerRow[]) => rows.map((row) => row.legalName);

describe('customer list queries', () => {
	beforeEach(async () => {
		await db.customers.bulkPut([
			customer('a', 'Contoso Pharma', '3'),
			customer('b', 'contoso Bank', '1'),
			customer('c', 'Fabrikam', '2'),
			customer('d', 'ＣＯＮＴＯＳＯ Toys', '4'),
			customer('e', 'Wingtip Toys', '5')
		]);
	});

	it('filters by name prefix regardless of case and full-width letters', async () => {
		expect(await customerCount(db, 'cont')).toBe(3);
		expect(names(await customerWindow(db, 'CONT', 'name-asc', 0, 10))).toEqual([
			'contoso Bank',
			'Contoso Pharma',
			'ＣＯＮＴＯＳＯ Toys'
		]);
		expect(await customerCount(db, '')).toBe(5);
		expect(await customerCount(db, 'zzz')).toBe(0);
	});

	it('sorts by name or date added in both directions, with and without a filter', async () => {
		expect(names(await customerWindow(db, '', 'name-desc', 0, 2))).toEqual([
			'Wingtip Toys',
			'Fabrikam'
		]);
		expect(names(await customerWindow(db, '', 'added-desc', 0, 2))).toEqual([
			'Wingtip Toys',
			'ＣＯＮＴＯＳＯ Toys'
		]);
		expect(names(await customerWindow(db, 'contoso', 'added-asc', 0, 10))).toEqual([
			'contoso Bank',
			'Contoso Pharma',
			'ＣＯＮＴＯＳＯ Toys'
		]);
	});

	it('returns the requested window of the sorted list', async () => {
		expect(names(await customerWindow(db, '', 'name-asc', 2, 2))).toEqual([
			'ＣＯＮＴＯＳＯ Toys',
			'Fabrikam'
		]);
		expect(names(await customerWindow(db, 'contoso', 'added-desc', 1, 5))).toEqual([
			'Contoso Pharma',
			'contoso Bank'
		]);
	});

	it('counts quickly up to a limit and says when there are more', async () => {
		expect(await customerCountUpTo(db, 'cont', 3)).toEqual({ count: 3, exact: true });
		expect(await customerCountUpTo(db, 'cont', 2)).toEqual({ count: 2, exact: false });
		expect(await customerCountUpTo(db, '', 10)).toEqual({ count: 5, exact: true });
	});

	it('hears every write to the customers table, past any window a live query read', async () => {
		let heard = 0;
		const stop = onTableChange(db, 'customers', () => (heard += 1));
		// The list's first window (two rows by name) is not where these land.
		await customerWindow(db, '', 'name-asc', 0, 2);
		await db.customers.put(customer('zz1', 'Zephyr Trading', '0005'));
		await db.customers.bulkPut([
			customer('zz2', 'Zulu Foods', '0006'),
			customer('zz3', 'Zygote Labs', '0007')
		]);
		expect(heard).toBe(2);
		await db.orgs.put({ orgId: 'org-x' } as never);
		expect(heard).toBe(2);
		stop();
		await db.customers.delete('zz1');
		expect(heard).toBe(2);
	});
});

describe("rows in memory, not written yet (a new device listing the server's summaries)", () => {
	// Names and dates from small sets: shared prefixes and ties, where orders can disagree.
	const row = fc
		.record({
			name: fc.constantFrom('Alpha', 'alpha Co', 'Beta', 'Bet', 'ＢＥＴＡ Toys', 'Gamma', 'Ga'),
			created: fc.constantFrom('1', '2', '3')
		})
		.map(({ name, created }) => ({ name, created }));

	it('lists and counts exactly what the same rows all stored would, wherever they are', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.tuple(row, fc.boolean()), { maxLength: 24 }),
				fc.constantFrom('', ' ', 'a', 'b', 'bet', 'ＢＥ', 'g', 'z'),
				fc.constantFrom(...CUSTOMER_SORTS),
				fc.nat(26),
				fc.integer({ min: 1, max: 8 }),
				async (rows, filter, sort, offset, limit) => {
					const all = rows.map(([{ name, created }], index) =>
						customer(`c${String(index).padStart(2, '0')}`, name, created)
					);
					const unwritten = all.filter((_, index) => rows[index]?.[1]);
					await db.customers.clear();
					await db.customers.bulkPut(all.filter((_, index) => !rows[index]?.[1]));
					// Arriving in two batches, as the server's answers do.
					const half = Math.floor(unwritten.length / 2);
					const inNameOrder = withRowsInNameOrder(
						withRowsInNameOrder([], unwritten.slice(0, half)),
						unwritten.slice(half)
					);
					const memory = () => ({ rows: inNameOrder, writing: [] });
					const split = await customerWindow(db, filter, sort, offset, limit, memory);
					const splitCount = await customerCount(db, filter, memory);
					const splitQuick = await customerCountUpTo(db, filter, 5, memory);
					await db.customers.bulkPut(unwritten);
					const whole = await customerWindow(db, filter, sort, offset, limit);
					expect(split.map((r) => r.customerId)).toEqual(whole.map((r) => r.customerId));
					expect(splitCount).toBe(await customerCount(db, filter));
					expect(splitQuick.count).toBeGreaterThanOrEqual(Math.min(5, splitCount));
					if (splitQuick.exact) expect(splitQuick.count).toBe(splitCount);
				}
			),
			{ numRuns: 150 }
		);
	});

	it('shows a row written while the window was read once', async () => {
		await db.customers.bulkPut([customer('a', 'Alpha', '1'), customer('b', 'Beta', '2')]);
		const again = customer('b', 'Beta', '2');
		const rows = await customerWindow(db, '', 'name-asc', 0, 10, () => ({
			rows: [again],
			writing: ['b']
		}));
		expect(rows.map((r) => r.customerId)).toEqual(['a', 'b']);
	});

	it('counts a row once as it moves from memory to IndexedDB, whenever the query runs', async () => {
		await db.customers.bulkPut([customer('a', 'Alpha', '1'), customer('b', 'Beta', '2')]);
		const moving = customer('c', 'Gamma', '3');
		// The engine's order: in memory; marked as being written; written; out of memory.
		let memory = { rows: [moving], writing: [] as string[] };
		const unwritten = () => memory;
		const queries = () => [
			customerCount(db, '', unwritten),
			customerWindow(db, '', 'name-asc', 1, 10, unwritten).then((rows) => rows.length)
		];
		const waiting = queries();
		memory = { rows: [moving], writing: ['c'] };
		const marked = queries();
		const writing = db.transaction('rw', db.customers, () => db.customers.put(moving));
		const during = queries();
		await writing;
		const written = queries();
		memory = { rows: [], writing: [] };
		const released = queries();
		for (const pair of [waiting, marked, during, written, released]) {
			expect(await Promise.all(pair)).toEqual([3, 2]);
		}
	});
});
