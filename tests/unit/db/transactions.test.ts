import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppDatabase } from '$lib/db/app-database';
import { isQuotaError } from '$lib/db/storage';
import { DocumentReplica } from '$lib/sync/document-replica';
import { WriteQueue } from '$lib/sync/write-queue';
import {
	CUSTOMER_DOC,
	RESELLER,
	customerWithReseller,
	eventFactory,
	subscriptionBought
} from './customer-events';

let db: AppDatabase;
beforeEach(() => {
	db = new AppDatabase(`tx-${Math.random().toString(36).slice(2)}`);
});
afterEach(async () => {
	db.close();
	await Dexie.delete(db.name);
});

const summary = { key: 'data_summary_tenant_user_added', params: { name: 'Ann' } };

async function everything() {
	const tables = ['docUpdates', 'outbox', 'customers', 'subscriptions', 'tenantUsers', 'documents'];
	return Object.fromEntries(
		await Promise.all(tables.map(async (name) => [name, await db.table(name).toArray()] as const))
	);
}

/** Makes the next write to `table` fail inside the transaction, after earlier writes went through. */
function failNextWrite(table: 'tenantUsers' | 'licenses', error: () => Error) {
	const hook = () => {
		db.table(table).hook('creating').unsubscribe(hook);
		throw error();
	};
	db.table(table).hook('creating', hook);
}

describe('document changes are atomic', () => {
	it('a change interrupted mid-way leaves the previous update, read models and outbox', async () => {
		const queue = new WriteQueue(db);
		const replica = await DocumentReplica.open(db, queue, CUSTOMER_DOC, 'write');
		const event = eventFactory('t');
		await replica.appendLocal(
			[...customerWithReseller(), ...subscriptionBought(event, 'o-1', 'sub-1', 5)].map((e) => ({
				event: e,
				summary
			}))
		);
		const before = await everything();
		expect(before.customers).toHaveLength(1);

		// The customer row and the update are written first; the tenant user's row then fails.
		failNextWrite('tenantUsers', () => new Error('disk went away'));
		const added = event('tenantUser.added', RESELLER, {
			tenantUserId: 'tu-1',
			displayName: 'Ann',
			userName: 'ann@wingtip.example.com'
		});
		await expect(replica.appendLocal([{ event: added, summary }])).rejects.toThrow(
			'disk went away'
		);
		expect(await everything()).toEqual(before);

		// Nothing is lost: the next commit saves the change that failed.
		await replica.appendLocal([
			{
				event: event('license.assigned', RESELLER, {
					subscriptionId: 'sub-1',
					tenantUserId: 'tu-1'
				}),
				summary
			}
		]);
		expect((await db.tenantUsers.toArray()).map((row) => row.tenantUserId)).toEqual(['tu-1']);
		expect((await db.outbox.toArray()).map((row) => row.eventId)).toContain(added.id);
		expect((await db.subscriptions.toArray())[0]?.assignedCount).toBe(1);
		replica.close();
	});

	it('a full disk surfaces as a quota error (also wrapped by Dexie) and keeps the change in memory', async () => {
		const queue = new WriteQueue(db);
		const replica = await DocumentReplica.open(db, queue, CUSTOMER_DOC, 'write');
		await replica.appendLocal(customerWithReseller().map((e) => ({ event: e, summary })));
		const before = await everything();

		failNextWrite(
			'tenantUsers',
			() => new DOMException('The quota has been exceeded.', 'QuotaExceededError')
		);
		const added = eventFactory('q')('tenantUser.added', RESELLER, {
			tenantUserId: 'tu-9',
			displayName: 'Bo',
			userName: 'bo@wingtip.example.com'
		});
		const failure = await replica.appendLocal([{ event: added, summary }]).catch((e: unknown) => e);
		expect(isQuotaError(failure)).toBe(true);
		expect(await everything()).toEqual(before);
		expect(replica.unsavedOutbox.map((row) => row.eventId)).toEqual([added.id]);
		replica.close();
	});
});
