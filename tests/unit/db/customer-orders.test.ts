import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { AppDatabase } from '$lib/db/app-database';
import { customerOrders } from '$lib/db/customer-orders';
import { DocumentReplica } from '$lib/sync/document-replica';
import { WriteQueue } from '$lib/sync/write-queue';
import { SYSTEM } from '../factories';
import {
	CUSTOMER_ADMIN,
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

const summary = { key: 'orders_summary_submitted', params: {} };

describe('customer orders and relationship history', () => {
	it('lists orders newest first with their outcome, and who accepted and ended each relationship', async () => {
		db = new AppDatabase(`orders-${Math.random().toString(36).slice(2)}`);
		const replica = await DocumentReplica.open(db, new WriteQueue(db), CUSTOMER_DOC, 'write');
		const event = eventFactory('o');
		await replica.appendLocal(
			[
				...customerWithReseller(),
				...subscriptionBought(event, 'o-1', 'sub-1', 2),
				event('order.submitted', RESELLER, {
					orderId: 'o-2',
					onBehalfOf: null,
					lines: [{ kind: 'addLicenses', subscriptionId: 'sub-1', quantity: 5 }]
				}),
				event('order.failed', SYSTEM, { orderId: 'o-2', reason: 'error_quantity_out_of_range' }),
				event('relationship.ended', CUSTOMER_ADMIN, { relationshipId: 'rel-1', scope: 'all' })
			].map((e) => ({ event: e, summary }))
		);
		await db.orgs.put({
			doc: 'org/contoso',
			orgId: 'contoso',
			kind: 'indirectReseller',
			legalName: 'Contoso IT Services',
			country: 'US',
			tenant: null,
			mpnId: null,
			alreadyEnrolledInCsp: true,
			createdAt: '0'
		} as never);
		const read = await customerOrders(db, CUSTOMER_ID, RESELLER.orgId);
		expect(read.orders.map((o) => [o.orderId, o.status, o.failureReason])).toEqual([
			['o-2', 'failed', 'error_quantity_out_of_range'],
			['o-1', 'provisioned', null]
		]);
		expect(read.orders[0]?.submittedEventId).toBeTruthy();
		expect(read.relationships).toMatchObject([
			{
				relationshipId: 'rel-1',
				status: 'ended',
				answeredByOrgId: CUSTOMER_ID,
				endedByOrgId: CUSTOMER_ID
			}
		]);
		expect(read.names.knownOrg('contoso')).toBe('Contoso IT Services');
		expect(read.names.knownOrg(CUSTOMER_ID)).toBe('Wingtip Toys');
		replica.close();
	});
});
