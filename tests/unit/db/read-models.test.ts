import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import fc from 'fast-check';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { AppDatabase } from '$lib/db/app-database';
import { documentRows, READ_MODEL_TABLES_BY_KIND, readModelRows } from '$lib/db/read-models';
import type { DomainEvent } from '$lib/domain/events';
import { LOG_KEY } from '$lib/domain/documents';
import { projectLog } from '$lib/flows/documents/projection';
import { DocumentReplica } from '$lib/sync/document-replica';
import { WriteQueue } from '$lib/sync/write-queue';
import { SYSTEM } from '../factories';
import {
	CUSTOMER_ADMIN,
	CUSTOMER_DOC,
	CUSTOMER_REF,
	RESELLER,
	customerWithReseller,
	eventFactory
} from './customer-events';

const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);
console.log(
	`read-model property seed ${SEED} (replay: PROPERTY_SEED=${SEED} npx vitest run tests/unit/db/read-models.test.ts)`
);

let db: AppDatabase | undefined;
afterEach(async () => {
	db?.close();
	if (db) await Dexie.delete(db.name);
	db = undefined;
});

/** One step of a random run: an event on one of two replicas, a sync between them, or a reload. */
const step = fc.record({
	action: fc.nat(9),
	a: fc.nat(3),
	b: fc.nat(3),
	replica: fc.nat(1)
});

function eventFor(
	make: ReturnType<typeof eventFactory>,
	{ action, a, b }: { action: number; a: number; b: number }
): DomainEvent | null {
	const author = b % 2 === 0 ? RESELLER : CUSTOMER_ADMIN;
	switch (action) {
		case 0:
		case 1:
			return make('tenantUser.added', author, {
				tenantUserId: `tu-${a}`,
				displayName: `User ${a}${b}`,
				userName: `user${a}@wingtip.example.com`
			});
		case 2:
			return make('tenantUser.removed', author, { tenantUserId: `tu-${a}` });
		case 3:
		case 4:
			return make('license.assigned', author, {
				subscriptionId: `sub-${b}`,
				tenantUserId: `tu-${a}`
			});
		case 5:
			return make('license.unassigned', author, {
				subscriptionId: `sub-${b}`,
				tenantUserId: `tu-${a}`
			});
		case 6:
			return make('order.submitted', RESELLER, {
				orderId: `order-${b}`,
				onBehalfOf: null,
				lines: [
					{ kind: 'newSubscription', offerId: 'business-basic', term: 'annual', quantity: a + 1 }
				]
			});
		case 7:
			return make('order.provisioned', SYSTEM, {
				orderId: `order-${b}`,
				newSubscriptions: [
					{ lineIndex: 0, subscriptionId: `sub-${b}`, renewsAt: 1_800_000_000_000 }
				]
			});
		default:
			return null;
	}
}

function byKey(rows: object[]): string[] {
	return rows.map((row) => JSON.stringify(row)).sort();
}

describe('read models', () => {
	it('equal the projection of the log after random concurrent event sequences, reloads included', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
				db?.close();
				if (db) await Dexie.delete(db.name);
				db = new AppDatabase(`read-models-${Math.random().toString(36).slice(2)}`);
				const queue = new WriteQueue(db);
				let replica = await DocumentReplica.open(db, queue, CUSTOMER_DOC, 'write');
				const peer = new Y.Doc();
				const peerLog = peer.getArray<DomainEvent>(LOG_KEY);
				const local = eventFactory('local');
				const remote = eventFactory('remote');
				const sync = () => {
					Y.applyUpdate(
						replica.doc,
						Y.encodeStateAsUpdate(peer, Y.encodeStateVector(replica.doc)),
						'server'
					);
					Y.applyUpdate(peer, Y.encodeStateAsUpdate(replica.doc, Y.encodeStateVector(peer)));
				};
				peerLog.push(customerWithReseller());
				sync();
				for (const s of steps) {
					if (s.action === 8) sync();
					else if (s.action === 9) {
						await queue.settled();
						replica.close();
						replica = await DocumentReplica.open(db, queue, CUSTOMER_DOC, 'write');
					} else if (s.replica === 0) {
						const event = eventFor(local, s);
						if (event) await replica.appendLocal([{ event, summary: { key: 'x', params: {} } }]);
					} else {
						const event = eventFor(remote, s);
						if (event) peerLog.push([event]);
					}
				}
				sync();
				await queue.settled();

				const log = replica.doc.getArray(LOG_KEY).toArray();
				const expected = projectLog(CUSTOMER_REF, log);
				// The incrementally kept projection equals a replay of the whole log...
				expect(replica.state).toEqual(expected);
				// ...and the stored read models equal the rows of that projection, table by table.
				const rows = readModelRows(expected, CUSTOMER_DOC);
				for (const table of READ_MODEL_TABLES_BY_KIND.customer) {
					const stored = await documentRows(db.table(table), CUSTOMER_REF).toArray();
					expect(byKey(stored), table).toEqual(byKey(rows[table] ?? []));
				}
				const customer = await db.customers.get('wingtip');
				expect(customer?.userCount).toBe(
					Object.keys(expected.kind === 'customer' ? expected.tenantUsers : {}).length
				);
				replica.close();
			}),
			{ seed: SEED, numRuns: 40 }
		);
	});
});
