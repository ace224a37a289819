// The program provisions orders (issue 9): every order.submitted a partner of record writes gets
// exactly one outcome from the server, decided against the document when it is provisioned.
// Also runs against a cluster (see harness.ts): the partners' replicas then sit on different
// processes, each of which sees every order and tries to decide it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as decoding from 'lib0/decoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CustomerDocumentState } from '../../src/lib/flows/documents/document-state';
import { messageRefused } from '../../sync-server/src/wire-format';
import {
	CLUSTER_MODE,
	CONTOSO_ADMIN,
	WINGTIP_ADMIN,
	closedWith,
	event,
	rebaseOnRefusal,
	socketClosed,
	startTestServer,
	waitFor,
	waitForAsync,
	waitForSync,
	type Session,
	type TestServer
} from './harness';

const NORTHWIND_ADMIN = { userId: 'northwind-admin', orgId: 'northwind' };
const FABRIKAM_ADMIN = { userId: 'fabrikam-admin', orgId: 'fabrikam' };
const WINGTIP = 'customer/wingtip';
type Author = { userId: string; orgId: string };
type Line =
	| { kind: 'newSubscription'; offerId: string; term: string; quantity: number }
	| { kind: 'addLicenses'; subscriptionId: string; quantity: number };

/** The first server's projection of a customer document, with everything the store has. */
async function customerState(
	t: TestServer,
	customerId = 'wingtip'
): Promise<CustomerDocumentState> {
	const state = await t.server.registry.current({ kind: 'customer', customerId });
	if (state?.kind !== 'customer') throw new Error(`no customer ${customerId}`);
	return state;
}

/** The first active subscription of the demo's Wingtip Toys (its suite) and its quantity now. */
async function suiteOf(t: TestServer): Promise<{ subscriptionId: string; quantity: number }> {
	const suite = Object.values((await customerState(t)).subscriptions).find(
		(s) => s.offerId !== 'cloud-storage-1tb'
	);
	if (!suite) throw new Error('the demo gives Wingtip a subscription');
	return { subscriptionId: suite.subscriptionId, quantity: suite.quantity };
}

/** A partner's replica of a customer document, synced, writing as `by`. */
async function replica(t: TestServer, session: Session, name = WINGTIP) {
	const doc = new Y.Doc();
	const provider = t.provider(name, session, doc);
	await waitForSync(provider);
	return { doc, provider, log: doc.getArray<unknown>('log') };
}

function order(by: Author, lines: Line[], onBehalfOf: string | null = null) {
	return event('order.submitted', by, {
		orderId: `order-${Math.random().toString(36).slice(2)}`,
		onBehalfOf,
		lines
	}) as { id: string; payload: { orderId: string } };
}

async function outcomeOf(t: TestServer, orderId: string, customerId = 'wingtip') {
	await waitForAsync(
		async () => {
			const status = (await customerState(t, customerId)).orders[orderId]?.status;
			return status === 'provisioned' || status === 'failed';
		},
		15_000,
		`outcome of ${orderId}`
	);
	return (await customerState(t, customerId)).orders[orderId];
}

/** The events of these types the first server's log (with all the store has) has for an order. */
async function orderEventsIn(t: TestServer, orderId: string, types: string[], name = WINGTIP) {
	const live = await t.server.registry.get(name);
	if (!live) throw new Error(name);
	await t.server.registry.repair(live);
	return live.log
		.toArray()
		.filter(
			(e) =>
				types.includes((e as { type: string }).type) &&
				(e as { payload: { orderId?: string } }).payload.orderId === orderId
		);
}

/** Every outcome the log has for an order (the program writes at most one). */
function outcomesIn(t: TestServer, orderId: string, customerId = 'wingtip') {
	const types = ['order.provisioned', 'order.failed'];
	return orderEventsIn(t, orderId, types, `customer/${customerId}`);
}

async function submittedIn(t: TestServer, orderId: string): Promise<boolean> {
	return (await orderEventsIn(t, orderId, ['order.submitted'])).length > 0;
}

describe('order provisioning by the program', () => {
	let t: TestServer;
	let contoso: Session;
	let northwind: Session;

	beforeAll(async () => {
		t = await startTestServer();
		contoso = await t.signIn('admin@contoso.example');
		northwind = await t.signIn('admin@northwind.example');
	}, 60_000);

	afterAll(async () => {
		await t.close();
	});

	it('provisioned the demo workspace’s own orders (the seed goes through the program too)', async () => {
		for (const [customerId, count] of [
			['wingtip', 1],
			['cohowinery', 1]
		] as const) {
			const orders = Object.values((await customerState(t, customerId)).orders);
			for (const o of orders) expect(await outcomesIn(t, o.orderId, customerId)).toHaveLength(1);
			expect(orders).toHaveLength(count);
			expect(orders.every((o) => o.status === 'provisioned')).toBe(true);
		}
	});

	it('provisions a reseller’s new-subscription order: the subscription appears for every replica', async () => {
		const { log, doc } = await replica(t, contoso);
		const submitted = order(CONTOSO_ADMIN, [
			{ kind: 'newSubscription', offerId: 'enterprise-e3', term: 'annual', quantity: 40 }
		]);
		log.push([submitted]);
		const decided = await outcomeOf(t, submitted.payload.orderId);
		expect(decided?.status).toBe('provisioned');
		expect(decided?.onBehalfOf).toBe('contoso');
		const created = Object.values((await customerState(t)).subscriptions).filter(
			(s) => s.orderId === submitted.payload.orderId
		);
		expect(created).toMatchObject([{ offerId: 'enterprise-e3', quantity: 40, status: 'active' }]);
		expect(created[0]?.renewsAt).toBeGreaterThan(Date.now() + 360 * 86_400_000);
		// The outcome reaches the ordering client, written by the program.
		await waitFor(() =>
			doc
				.getArray<{ type: string; by: Author; payload: { orderId: string } }>('log')
				.toArray()
				.some(
					(e) =>
						e.type === 'order.provisioned' &&
						e.payload.orderId === submitted.payload.orderId &&
						e.by.orgId === 'program'
				)
		);
	});

	it('provisions a provider’s order on behalf of the reseller of record: the quantity grows', async () => {
		const { log } = await replica(t, northwind);
		const before = await suiteOf(t);
		const submitted = order(
			NORTHWIND_ADMIN,
			[{ kind: 'addLicenses', subscriptionId: before.subscriptionId, quantity: 5 }],
			'contoso'
		);
		log.push([submitted]);
		const decided = await outcomeOf(t, submitted.payload.orderId);
		expect(decided).toMatchObject({
			status: 'provisioned',
			onBehalfOf: 'contoso',
			providerId: 'northwind'
		});
		expect((await suiteOf(t)).quantity).toBe(before.quantity + 5);
	});

	it('counts two simultaneous additions of licenses to one subscription', async () => {
		const reseller = await replica(t, contoso);
		const provider = await replica(t, northwind);
		const before = await suiteOf(t);
		const line = {
			kind: 'addLicenses',
			subscriptionId: before.subscriptionId,
			quantity: 3
		} as const;
		const first = order(CONTOSO_ADMIN, [line]);
		const second = order(NORTHWIND_ADMIN, [line], 'contoso');
		// The one the server takes second may land before the first in the log: refused
		// (sync_log_not_at_tail), it is appended again at the tail, as the app does.
		rebaseOnRefusal(reseller.provider);
		rebaseOnRefusal(provider.provider);
		reseller.log.push([first]);
		provider.log.push([second]);
		expect((await outcomeOf(t, first.payload.orderId))?.status).toBe('provisioned');
		expect((await outcomeOf(t, second.payload.orderId))?.status).toBe('provisioned');
		expect((await suiteOf(t)).quantity).toBe(before.quantity + 6);
		for (const o of [first, second]) expect(await outcomesIn(t, o.payload.orderId)).toHaveLength(1);
	});

	it('fails the second of two concurrent additions that together pass the offer’s maximum', async () => {
		const reseller = await replica(t, contoso);
		const provider = await replica(t, northwind);
		const before = await suiteOf(t);
		// Business Premium / Standard allow 300: each order alone fits, both together do not.
		const room = 300 - before.quantity;
		const half = Math.floor(room / 2) + 1;
		const line = {
			kind: 'addLicenses',
			subscriptionId: before.subscriptionId,
			quantity: half
		} as const;
		const first = order(CONTOSO_ADMIN, [line]);
		const second = order(NORTHWIND_ADMIN, [line], 'contoso');
		// The one the server takes second may land before the first in the log: refused
		// (sync_log_not_at_tail), it is appended again at the tail, as the app does.
		rebaseOnRefusal(reseller.provider);
		rebaseOnRefusal(provider.provider);
		reseller.log.push([first]);
		provider.log.push([second]);
		// Which one wins is a race. The other is failed by the program; or, when the winner's outcome
		// came before it in the log (its replica, on another process of a cluster, had not seen the
		// winner yet), it is not applied at all: its own quantity check then sees the winner's
		// licenses, in every replica. Either way the maximum holds and nothing has two outcomes.
		const settled = async (orderId: string) => {
			await waitForAsync(
				async () => {
					const status = (await customerState(t)).orders[orderId]?.status;
					if (status === 'provisioned' || status === 'failed') return true;
					return status === undefined && (await submittedIn(t, orderId));
				},
				15_000,
				`${orderId} settled`
			);
			// In a cluster a log reordered by appends two processes took at once is replayed.
			await new Promise((resolve) => setTimeout(resolve, 300));
			return (await customerState(t)).orders[orderId];
		};
		const outcomes = [await settled(first.payload.orderId), await settled(second.payload.orderId)];
		const statuses = outcomes.map((o) => o?.status ?? 'not applied').sort();
		expect([
			['failed', 'provisioned'],
			['not applied', 'provisioned']
		]).toContainEqual(statuses);
		if (statuses[0] === 'failed') {
			expect(outcomes.find((o) => o?.status === 'failed')?.failureReason).toBe(
				'error_quantity_out_of_range'
			);
		}
		expect((await suiteOf(t)).quantity).toBe(before.quantity + half);
		for (const [index, o] of [first, second].entries()) {
			expect(await outcomesIn(t, o.payload.orderId)).toHaveLength(outcomes[index] ? 1 : 0);
		}
	});

	it('refuses an order.provisioned a client writes, and stores nothing', async () => {
		const { doc, provider, log } = await replica(t, contoso);
		const refusals: unknown[] = [];
		provider.messageHandlers[messageRefused] = (_encoder, decoder) => {
			refusals.push(JSON.parse(decoding.readVarString(decoder)));
		};
		const live = await t.server.registry.get(WINGTIP);
		if (live) await t.server.registry.repair(live);
		const before = live?.log.length;
		const closed = closedWith(provider);
		const forged = event('order.provisioned', CONTOSO_ADMIN, {
			orderId: Object.keys((await customerState(t)).orders)[0],
			newSubscriptions: []
		}) as { id: string };
		log.push([forged]);
		expect(await closed).toEqual({ code: 4400, reason: 'error_system_only' });
		expect(refusals).toEqual([{ code: 'error_system_only', eventIds: [forged.id] }]);
		if (live) await t.server.registry.repair(live);
		expect(live?.log.length).toBe(before);
		doc.destroy();
	});

	it('does not let a provider with no relationship to the customer open it, let alone order', async () => {
		// Fabrikam is a provider with no relationship to Wingtip; Northwind has none with Coho Winery.
		const fabrikam = await t.signIn('admin@fabrikam.example');
		for (const [session, name, by] of [
			[fabrikam, WINGTIP, FABRIKAM_ADMIN],
			[northwind, 'customer/cohowinery', NORTHWIND_ADMIN]
		] as const) {
			const log = (await t.server.registry.get(name))?.log.toArray();
			const socket = t.socket(name, session.cookie);
			const closed = socketClosed(socket);
			const doc = new Y.Doc();
			doc
				.getArray('log')
				.push([
					order(
						by,
						[{ kind: 'newSubscription', offerId: 'business-basic', term: 'monthly', quantity: 1 }],
						'contoso'
					)
				]);
			socket.on('open', () => socket.send(Y.encodeStateAsUpdate(doc)));
			expect(await closed).toEqual({ code: 4403, reason: 'sync_document_forbidden' });
			expect((await t.server.registry.get(name))?.log.toArray()).toEqual(log);
		}
	});
});

describe('order provisioning across time', () => {
	it('fails an order whose relationship ended before the program decided it', async () => {
		// Long enough for the customer's end to land first, also when it crosses processes.
		const t = await startTestServer({
			config: { orderProvisioningDelayMs: CLUSTER_MODE ? 1500 : 400 }
		});
		try {
			const northwind = await t.signIn('admin@northwind.example');
			const wingtip = await t.signIn('admin@wingtip.example');
			const provider = await replica(t, northwind);
			const customer = await replica(t, wingtip);
			const submitted = order(
				NORTHWIND_ADMIN,
				[{ kind: 'newSubscription', offerId: 'business-basic', term: 'monthly', quantity: 2 }],
				'contoso'
			);
			provider.log.push([submitted]);
			await waitForAsync(
				async () =>
					(await customerState(t)).orders[submitted.payload.orderId]?.status === 'submitted'
			);
			// The customer ends the relationship after seeing the order (in a cluster its replica may
			// be on the other process: an end written before the order arrived would come before it in
			// the log, and the order would not be applied at all).
			await waitFor(() =>
				customer.log.toArray().some((e) => (e as { id?: string }).id === submitted.id)
			);
			const relationshipId = Object.values((await customerState(t)).relationships).find(
				(r) => r.status === 'active'
			)?.relationshipId;
			customer.log.push([
				event('relationship.ended', WINGTIP_ADMIN, { relationshipId, scope: 'all' })
			]);
			const decided = await outcomeOf(t, submitted.payload.orderId);
			expect(decided).toMatchObject({ status: 'failed', failureReason: 'error_no_relationship' });
		} finally {
			await t.close();
		}
	});

	it('provisions at startup an order a stopped server had accepted but not decided', async () => {
		const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tiertwo-provisioning-'));
		try {
			// The demo workspace first, then a run that would take a minute to decide: stopped before it does.
			await (await startTestServer({ dataDir })).close();
			const first = await startTestServer({
				dataDir,
				config: { orderProvisioningDelayMs: 60_000 }
			});
			const contoso = await first.signIn('admin@contoso.example');
			const { log } = await replica(first, contoso);
			const submitted = order(CONTOSO_ADMIN, [
				{ kind: 'newSubscription', offerId: 'business-basic', term: 'monthly', quantity: 7 }
			]);
			log.push([submitted]);
			await waitForAsync(
				async () =>
					(await customerState(first)).orders[submitted.payload.orderId]?.status === 'submitted'
			);
			await first.close();

			const second = await startTestServer({ dataDir });
			try {
				const decided = await outcomeOf(second, submitted.payload.orderId);
				expect(decided?.status).toBe('provisioned');
				expect(
					Object.values((await customerState(second)).subscriptions).filter(
						(s) => s.orderId === submitted.payload.orderId
					)
				).toMatchObject([{ offerId: 'business-basic', quantity: 7 }]);
			} finally {
				await second.close();
			}
		} finally {
			rmSync(dataDir, { recursive: true, force: true });
		}
	}, 60_000);
});
