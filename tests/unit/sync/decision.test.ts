// The server's decision on a change, as the pages show it: pending while offline or waiting, accepted
// once stored (or once the server's later event says so), refused with the server's reason; the
// refusals a person has not been told of yet, for the shell's notice.
import 'fake-indexeddb/auto';
import { Dexie, liveQuery } from 'dexie';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppDatabase } from '$lib/db/app-database';
import type { OutboxRow } from '$lib/db/local-records';
import { markDelivered, refuseEntries } from '$lib/db/outbox';
import {
	followOrder,
	markRefusalsTold,
	untoldFailedOrders,
	untoldRefusals
} from '$lib/db/refusal-notices';
import type { OrderRow } from '$lib/db/read-models/orders';
import { LOG_KEY } from '$lib/domain/documents';
import type { DomainEvent } from '$lib/domain/events';
import {
	decide,
	decisionFacts,
	type Decision,
	type DecisionFacts,
	type DecisionSource
} from '$lib/sync/decision';
import { SyncEngine } from '$lib/sync/sync-engine';
import { DAY, DEVICE_HASH, SYSTEM, orgCreated, userAdded } from '../factories';
import { RESELLER, eventFactory } from '../db/customer-events';
import { startContractServer, type ContractServer } from './contract-server';

const ORG_DOC = `org/${RESELLER.orgId}`;
const summary = { key: 'users_summary_added', params: { name: 'x', email: 'x' } };

let db: AppDatabase;
beforeEach(() => {
	db = new AppDatabase(`decision-${Math.random().toString(36).slice(2)}`);
});
afterEach(async () => {
	db.close();
	await Dexie.delete(db.name);
});

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** An outbox row of `eventId` by `by`, as an append leaves it (clock 1 of client 7). */
function outboxRow(eventId: string, by: { userId: string; orgId: string } = RESELLER): OutboxRow {
	return {
		eventId,
		doc: ORG_DOC,
		clientId: 7,
		clock: 1,
		event: {
			id: eventId,
			type: 'user.added',
			at: '000000000000000:0000:test',
			by,
			payload: userAdded(`u-${eventId}`, ['salesAgent'])
		} as DomainEvent,
		summary,
		at: 1
	};
}

/** Every decision `source` passes through while `during` runs, as a page following it sees them. */
async function decisionsWhile(
	source: DecisionSource,
	reachable: boolean,
	during: () => Promise<void>,
	last: (decision: Decision) => boolean
): Promise<Decision[]> {
	const seen: Decision[] = [];
	const subscription = liveQuery(() => decisionFacts(db, source)).subscribe({
		next: (facts) => {
			const decision = decide(facts, reachable);
			if (JSON.stringify(seen.at(-1)) !== JSON.stringify(decision)) seen.push(decision);
		}
	});
	try {
		await until(() => seen.length > 0, 'first decision');
		await during();
		await until(() => seen.length > 0 && last(seen.at(-1) as Decision), 'final decision');
		return seen;
	} finally {
		subscription.unsubscribe();
	}
}

const pending: DecisionFacts = {
	delivery: { kind: 'pending' },
	verdict: undefined,
	decidedLater: false
};

describe('decide', () => {
	it('waits for the server while it is reachable, and says it is kept on the device while not', () => {
		expect(decide(pending, true)).toEqual({ state: 'waiting' });
		expect(decide(pending, false)).toEqual({ state: 'pending-offline' });
	});

	it('accepts a change the server stored when storing it is the decision', () => {
		const stored: DecisionFacts = { ...pending, delivery: { kind: 'delivered' } };
		expect(decide(stored, true)).toEqual({ state: 'accepted' });
		expect(decide(stored, false)).toEqual({ state: 'accepted' });
	});

	it('gives the refusal and its reason whatever the network', () => {
		const refused: DecisionFacts = {
			...pending,
			delivery: { kind: 'refused', code: 'error_email_taken' }
		};
		expect(decide(refused, true)).toEqual({ state: 'refused', code: 'error_email_taken' });
		expect(decide(refused, false)).toEqual({ state: 'refused', code: 'error_email_taken' });
	});

	it('keeps a stored order undecided until the server’s own event decides it', () => {
		const stored: DecisionFacts = {
			delivery: { kind: 'delivered' },
			verdict: undefined,
			decidedLater: true
		};
		expect(decide(stored, true)).toEqual({ state: 'waiting' });
		expect(decide(stored, false)).toEqual({ state: 'pending-offline' });
		expect(decide({ ...stored, verdict: { ok: true } }, false)).toEqual({ state: 'accepted' });
		expect(decide({ ...stored, verdict: { ok: false, code: 'error_offer_limit' } }, true)).toEqual({
			state: 'refused',
			code: 'error_offer_limit'
		});
	});

	it('takes the server’s verdict even before the acknowledgement is processed', () => {
		const early: DecisionFacts = { ...pending, verdict: { ok: true }, decidedLater: true };
		expect(decide(early, true)).toEqual({ state: 'accepted' });
	});
});

describe('decision facts on the device', () => {
	it('follows a change from the outbox to accepted when the server’s vector covers it', async () => {
		await db.outbox.put(outboxRow('e-1'));
		const seen = await decisionsWhile(
			{ eventId: 'e-1' },
			true,
			async () => {
				await markDelivered(db, ORG_DOC, new Map([[7, 1]]));
			},
			(decision) => decision.state === 'accepted'
		);
		expect(seen).toEqual([{ state: 'waiting' }, { state: 'accepted' }]);
	});

	it('follows a change from the outbox to refused with the code the server gave', async () => {
		await db.outbox.put(outboxRow('e-2'));
		const seen = await decisionsWhile(
			{ eventId: 'e-2' },
			false,
			async () => {
				await refuseEntries(db, ['e-2'], 'error_email_taken');
			},
			(decision) => decision.state === 'refused'
		);
		expect(seen).toEqual([
			{ state: 'pending-offline' },
			{ state: 'refused', code: 'error_email_taken' }
		]);
	});

	it('reads a later verdict from the read model the server’s event lands in', async () => {
		const verdicts: Array<{ ok: true } | { ok: false; code: string } | undefined> = [undefined];
		const order: DecisionSource = {
			eventId: 'e-3',
			outcome: async (database) => {
				// Any table read inside the querier makes the query live on it: settings stands in here.
				const row = await database.settings.get('order-status');
				return row?.value === 'provisioned'
					? { ok: true }
					: row?.value === 'failed'
						? { ok: false, code: 'error_order_failed' }
						: verdicts[0];
			}
		};
		await db.outbox.put(outboxRow('e-3'));
		const seen = await decisionsWhile(
			order,
			true,
			async () => {
				await markDelivered(db, ORG_DOC, new Map([[7, 1]]));
				await db.settings.put({ key: 'order-status', value: 'provisioned' });
			},
			(decision) => decision.state === 'accepted'
		);
		expect(seen[0]).toEqual({ state: 'waiting' });
		expect(seen.at(-1)).toEqual({ state: 'accepted' });
		expect(seen).not.toContainEqual({ state: 'refused', code: 'error_order_failed' });
	});
});

describe('refused changes not told of yet', () => {
	it('lists the signed-in user’s refusals, newest first, until they are marked told', async () => {
		for (const id of ['r-1', 'r-2']) await db.outbox.put(outboxRow(id));
		await db.outbox.put(outboxRow('r-other', { userId: 'someone-else', orgId: RESELLER.orgId }));
		await refuseEntries(db, ['r-1'], 'error_email_taken');
		await new Promise((resolve) => setTimeout(resolve, 5));
		await refuseEntries(db, ['r-2', 'r-other'], 'data_refused_no_access');

		const untold = await untoldRefusals(db, RESELLER.userId);
		expect(untold.map((row) => [row.eventId, row.code])).toEqual([
			['r-2', 'data_refused_no_access'],
			['r-1', 'error_email_taken']
		]);
		await markRefusalsTold(db, ['r-2']);
		expect((await untoldRefusals(db, RESELLER.userId)).map((row) => row.eventId)).toEqual(['r-1']);
		// Told is not dismissed: the refused change stays for Pending changes and its export.
		expect(await db.refused.get('r-2')).toBeDefined();
	});

	it('forgets told ids whose refused rows are gone', async () => {
		for (const id of ['r-3', 'r-4']) await db.outbox.put(outboxRow(id));
		await refuseEntries(db, ['r-3', 'r-4'], 'error_email_taken');
		await markRefusalsTold(db, ['r-3']);
		await db.refused.delete('r-3');
		await markRefusalsTold(db, ['r-4']);
		expect((await db.settings.get('seenRefusals'))?.value).toEqual(['r-4']);
	});
});

describe('orders submitted on this device that were not made', () => {
	const summary = { key: 'orders_summary_submitted', params: { order: '+5', customer: 'Wingtip' } };
	const followed = (orderId: string) => ({
		customerId: 'wingtip',
		orderId,
		eventId: `e-${orderId}`,
		doc: 'customer/wingtip',
		summary
	});
	function order(orderId: string, status: string, by = RESELLER.userId): OrderRow {
		return {
			doc: 'customer/wingtip',
			customerId: 'wingtip',
			orderId,
			status,
			lines: [{ kind: 'addLicenses', subscriptionId: 's-1', quantity: 5 }],
			submittedByUserId: by,
			submittedByOrgId: RESELLER.orgId,
			onBehalfOf: RESELLER.orgId,
			providerId: null,
			failureReason: status === 'failed' ? 'error_quantity_out_of_range' : null,
			submittedAt: '000000000000000:0000:test',
			submittedEventId: `e-${orderId}`,
			closedAt: null
		};
	}

	it('lists a followed order the program failed or the log did not apply, until told', async () => {
		for (const id of ['o-1', 'o-2', 'o-3']) {
			await db.orders.put(order(id, 'submitted'));
			await followOrder(db, followed(id));
		}
		await followOrder(db, followed('o-4'));
		// Not followed here: submitted on another device, so told there.
		await db.orders.put(order('o-elsewhere', 'failed'));
		expect(await untoldFailedOrders(db, RESELLER.userId)).toEqual([]);

		await db.orders.put(order('o-1', 'failed'));
		await db.orders.put(order('o-2', 'provisioned'));
		// o-4 reached the log after another order that left no room: kept there, not applied.
		await db.superseded.put({
			doc: 'customer/wingtip',
			eventId: 'e-o-4',
			type: 'order.submitted',
			code: 'error_quantity_out_of_range',
			at: '000000000000000:0000:test',
			byUserId: RESELLER.userId,
			byOrgId: RESELLER.orgId
		});
		const untold = await untoldFailedOrders(db, RESELLER.userId);
		expect(untold).toEqual([
			{
				eventId: 'e-o-1',
				doc: 'customer/wingtip',
				code: 'error_quantity_out_of_range',
				summary
			},
			{
				eventId: 'e-o-4',
				doc: 'customer/wingtip',
				code: 'error_quantity_out_of_range',
				summary
			}
		]);
		// Only the person who submitted it is told.
		expect(await untoldFailedOrders(db, 'someone-else')).toEqual([]);

		await markRefusalsTold(db, ['e-o-1', 'e-o-4']);
		expect(await untoldFailedOrders(db, RESELLER.userId)).toEqual([]);
		// Provisioned orders are not followed any longer once another order is submitted.
		await followOrder(db, followed('o-5'));
		expect(
			((await db.settings.get('followedOrders'))?.value as { orderId: string }[]).map(
				(entry) => entry.orderId
			)
		).toEqual(['o-3', 'o-5']);
	});
});

describe('a user added offline, decided on reconnect', () => {
	let server: ContractServer;
	let engine: SyncEngine | undefined;

	beforeEach(async () => {
		server = await startContractServer();
		const doc = new Y.Doc();
		doc
			.getArray(LOG_KEY)
			.push([
				eventFactory('org')('org.created', SYSTEM, orgCreated('indirectReseller')),
				eventFactory('org2')('user.added', SYSTEM, userAdded(RESELLER.userId, ['globalAdmin']))
			]);
		server.docs.set(ORG_DOC, doc);
		server.documents = [{ name: ORG_DOC, access: 'write' }];
	});

	afterEach(async () => {
		engine?.stop();
		engine = undefined;
		await server.stop();
	});

	it('is refused with the code the server refuses a taken email with; the other user is accepted', async () => {
		engine = new SyncEngine({
			db,
			user: RESELLER,
			serverUrl: server.url,
			refreshSession: () => Promise.resolve(true),
			WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket
		});
		await engine.start();
		await until(() => !!engine?.connection(ORG_DOC)?.synced, 'org document synced');
		await engine.settled();
		await server.stop();

		const add = (userId: string, email: string) =>
			engine!.append(
				ORG_DOC,
				'user.added',
				userAdded(userId, ['salesAgent'], {
					email,
					temporaryPassword: { hash: DEVICE_HASH, expiresAt: Date.now() + 14 * DAY }
				}),
				summary
			);
		const taken = await add('clash', 'admin@northwind.example');
		const free = await add('kai', 'kai@contoso.example');
		if (!taken.ok || !free.ok) throw new Error('appends failed');
		const facts = (eventId: string) => decisionFacts(db, { eventId });
		expect(decide(await facts(taken.eventId), false)).toEqual({ state: 'pending-offline' });

		// As sync-server/src/accounts/account-sync.ts admits a `user.added` whose email has an
		// account in another org: refused with error_email_taken, naming the event.
		server.refuse = (_name, events) => {
			const clash = events.filter((event) => event.id === taken.eventId);
			return clash.length > 0
				? { code: 'error_email_taken', eventIds: clash.map((event) => event.id) }
				: null;
		};
		await server.restart();
		engine.reconnect();

		await until(
			async () => decide(await facts(taken.eventId), true).state === 'refused',
			'the refusal'
		);
		expect(decide(await facts(taken.eventId), true)).toEqual({
			state: 'refused',
			code: 'error_email_taken'
		});
		await until(
			async () => decide(await facts(free.eventId), true).state === 'accepted',
			'the other user accepted'
		);
		expect((await untoldRefusals(db, RESELLER.userId)).map((row) => row.eventId)).toEqual([
			taken.eventId
		]);
	});
});
