// commitChanges writes a document with tens of thousands of rows (an org's invitations document
// at a distributor) in requests of at most ROWS_PER_REQUEST rows, one after another, so the page answers
// between them, and still all or nothing in one transaction.
import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppDatabase } from '$lib/db/app-database';
import { commitChanges, ROWS_PER_REQUEST, type DocumentChange } from '$lib/db/document-store';
import type { InvitationRow } from '$lib/db/read-models/invitations';

let db: AppDatabase;
beforeEach(() => {
	db = new AppDatabase(`store-${Math.random().toString(36).slice(2)}`);
});
afterEach(async () => {
	vi.restoreAllMocks();
	db.close();
	await Dexie.delete(db.name);
});

const DOC = 'invitations/contoso';

function invitation(index: number, status = 'redeemed'): InvitationRow {
	return {
		doc: DOC,
		orgId: 'contoso',
		invitationId: `inv-${String(index).padStart(6, '0')}`,
		kind: 'customer',
		providerId: 'northwind',
		status,
		expiresAt: 1_800_000_000_000,
		redeemedBy: `customer-${index}`,
		recipient: null,
		createdAt: '2026-12-01T00:00:00.000Z',
		closedAt: null
	};
}

function change(
	invitations: InvitationRow[],
	previous: DocumentChange['previous']
): DocumentChange {
	return {
		doc: DOC,
		kind: 'invitations',
		access: 'write',
		updates: [],
		rows: { invitations, superseded: [] },
		previous,
		outbox: [],
		vector: new Uint8Array(),
		logLength: invitations.length
	};
}

/** The sizes of the bulk requests made on the invitations table. */
function requestSizes() {
	const sizes: number[] = [];
	const table = db.table('invitations');
	const put = table.bulkPut.bind(table);
	const remove = table.bulkDelete.bind(table);
	vi.spyOn(table, 'bulkPut').mockImplementation(((rows: object[]) => {
		sizes.push(rows.length);
		return put(rows);
	}) as typeof table.bulkPut);
	vi.spyOn(table, 'bulkDelete').mockImplementation(((keys: unknown[]) => {
		sizes.push(-keys.length);
		return remove(keys as never);
	}) as typeof table.bulkDelete);
	vi.spyOn(db, 'table').mockImplementation((name: string) =>
		name === 'invitations' ? table : Dexie.prototype.table.call(db, name)
	);
	return sizes;
}

describe('commitChanges with many rows', () => {
	const total = ROWS_PER_REQUEST * 2 + 345;
	const rows = Array.from({ length: total }, (_, index) => invitation(index));

	it('writes a document of thousands of rows in requests of at most ROWS_PER_REQUEST, all of them', async () => {
		const sizes = requestSizes();
		const { snapshots } = await commitChanges(db, [change(rows, null)]);
		expect(sizes).toEqual([ROWS_PER_REQUEST, ROWS_PER_REQUEST, 345]);
		expect(await db.table('invitations').count()).toBe(total);
		expect(await db.documents.get(DOC)).toMatchObject({ logLength: total });

		// The next change deletes most of them and changes one: deletes in requests too.
		sizes.length = 0;
		const kept = rows
			.slice(0, 300)
			.map((row, index) => (index === 0 ? { ...row, status: 'revoked' } : row));
		await commitChanges(db, [change(kept, snapshots.get(DOC) ?? null)]);
		expect(sizes).toEqual([
			-ROWS_PER_REQUEST,
			-ROWS_PER_REQUEST,
			-(total - 300 - 2 * ROWS_PER_REQUEST),
			1
		]);
		expect(await db.table('invitations').count()).toBe(300);
		expect(
			(await db.table('invitations').get(['contoso', 'inv-000000'])) as InvitationRow
		).toMatchObject({
			status: 'revoked'
		});
	});

	it('writes a small change in one request per table', async () => {
		const sizes = requestSizes();
		await commitChanges(db, [change(rows.slice(0, 20), null)]);
		expect(sizes).toEqual([20]);
	});

	it('stores nothing when a later request fails: one transaction, all or nothing', async () => {
		let created = 0;
		db.table('invitations').hook('creating', () => {
			created += 1;
			if (created === ROWS_PER_REQUEST + 500) throw new Error('disk full');
		});
		await expect(commitChanges(db, [change(rows, null)])).rejects.toThrow('disk full');
		expect(created).toBeGreaterThan(ROWS_PER_REQUEST);
		expect(await db.table('invitations').count()).toBe(0);
		expect(await db.documents.get(DOC)).toBeUndefined();
	});
});
