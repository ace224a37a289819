import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { AppDatabase } from '$lib/db/app-database';
import { customerRecord } from '$lib/db/customer-record';
import { DocumentReplica } from '$lib/sync/document-replica';
import { WriteQueue } from '$lib/sync/write-queue';
import {
	CUSTOMER_DOC,
	CUSTOMER_ID,
	RESELLER,
	customerWithReseller,
	eventFactory,
	subscriptionBought
} from './customer-events';

let db: AppDatabase | undefined;
afterEach(async () => {
	db?.close();
	if (db) await Dexie.delete(db.name);
});

const summary = { key: 'data_summary_license_assigned', params: {} };

describe('customer record', () => {
	it('reads the tenant, its subscriptions with licenses assigned and available, and its users', async () => {
		db = new AppDatabase(`record-${Math.random().toString(36).slice(2)}`);
		const replica = await DocumentReplica.open(db, new WriteQueue(db), CUSTOMER_DOC, 'write');
		const event = eventFactory('r');
		const added = (id: string, name: string) =>
			event('tenantUser.added', RESELLER, {
				tenantUserId: id,
				displayName: name,
				userName: `${id}@wingtip.example.com`
			});
		await replica.appendLocal(
			[
				...customerWithReseller(),
				...subscriptionBought(event, 'o-1', 'sub-1', 2),
				added('tu-b', 'Bea'),
				added('tu-a', 'Al'),
				event('license.assigned', RESELLER, { subscriptionId: 'sub-1', tenantUserId: 'tu-a' }),
				event('license.assigned', RESELLER, { subscriptionId: 'sub-9', tenantUserId: 'tu-a' })
			].map((e) => ({ event: e, summary }))
		);
		const record = await customerRecord(db, CUSTOMER_ID);
		expect(record.customer?.legalName).toBe('Wingtip Toys');
		expect(record.document?.access).toBe('write');
		expect(record.subscriptions).toMatchObject([
			{ subscriptionId: 'sub-1', quantity: 2, assignedCount: 1, available: 1 }
		]);
		expect(record.licenses.map((l) => l.tenantUserId)).toEqual(['tu-a']);
		expect(record.users.map((u) => u.displayName)).toEqual(['Al', 'Bea']);
		expect(record.relationships.map((r) => r.status)).toEqual(['active']);
		// The assignment to a subscription that does not exist is kept and shown, not applied.
		expect(record.superseded.map((s) => s.code)).toEqual(['error_subscription_missing']);
		expect(record.pending).toHaveLength(9);
		replica.close();
	});
});
