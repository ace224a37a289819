import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import * as Y from 'yjs';
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppDatabase, AWAY_SUMMARY_SETTING } from '$lib/db/app-database';
import type { AwaySummary } from '$lib/sync/away';
import { hlcMillis, isHlcTimestamp } from '$lib/domain/clock';
import { LOG_KEY } from '$lib/domain/documents';
import type { DomainEvent } from '$lib/domain/events';
import {
	NO_ACCESS_CODE,
	SyncEngine,
	type DocumentEntry,
	type SyncEngineOptions
} from '$lib/sync/sync-engine';
import { SYSTEM, orgCreated, userAdded } from '../factories';
import {
	CUSTOMER_ADMIN,
	CUSTOMER_DOC,
	CUSTOMER_ID,
	RESELLER,
	customerWithReseller,
	eventFactory,
	subscriptionBought
} from '../db/customer-events';
import { startContractServer, type ContractServer } from './contract-server';

const ORG_DOC = `org/${RESELLER.orgId}`;
const DOCUMENTS: DocumentEntry[] = [
	{ name: ORG_DOC, access: 'write' },
	{ name: CUSTOMER_DOC, access: 'write' }
];
const summary = { key: 'data_summary_tenant_user_added', params: { name: 'x' } };

let server: ContractServer;
let db: AppDatabase;
let engines: SyncEngine[] = [];
let extraDatabases: AppDatabase[] = [];
let refreshes = 0;
/** what the server answers to a refresh (false: the session is over) */
let refreshWorks = true;
let sessionsEnded = 0;

function seed(name: string, events: DomainEvent[]) {
	const doc = new Y.Doc();
	doc.getArray(LOG_KEY).push(events);
	server.docs.set(name, doc);
}

function engine(
	database = db,
	now?: () => number,
	serverNow?: () => number,
	progress?: SyncEngineOptions['progress'],
	lingerMs?: number,
	more: Partial<SyncEngineOptions> = {}
): SyncEngine {
	const created = new SyncEngine({
		...more,
		db: database,
		...(lingerMs !== undefined ? { lingerMs } : {}),
		...(progress ? { progress } : {}),
		...(now ? { now } : {}),
		...(serverNow ? { serverNow } : {}),
		user: RESELLER,
		serverUrl: server.url,
		refreshSession: () => {
			refreshes += 1;
			return Promise.resolve(refreshWorks);
		},
		sessionEnded: () => {
			sessionsEnded += 1;
		},
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket
	});
	engines.push(created);
	return created;
}

async function until(
	condition: () => boolean | Promise<boolean>,
	what: string,
	timeoutMs = 10_000
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

function tenantUser(id: string, displayName = `User ${id}`) {
	return {
		tenantUserId: id,
		displayName,
		userName: `${id}@wingtip.example.com`
	};
}

beforeEach(async () => {
	server = await startContractServer();
	seed(ORG_DOC, [
		eventFactory('org')('org.created', SYSTEM, orgCreated('indirectReseller')),
		eventFactory('org2')('user.added', SYSTEM, userAdded(RESELLER.userId, ['adminAgent']))
	]);
	const make = eventFactory('c');
	seed(CUSTOMER_DOC, [
		...customerWithReseller(make),
		...subscriptionBought(make, 'o-1', 'sub-1', 3)
	]);
	db = new AppDatabase(`sync-${Math.random().toString(36).slice(2)}`);
	server.documents = [...DOCUMENTS];
	refreshes = 0;
	refreshWorks = true;
	sessionsEnded = 0;
});

afterEach(async () => {
	for (const created of engines) created.stop();
	engines = [];
	await server.stop();
	for (const extra of extraDatabases) extra.close();
	extraDatabases = [];
	db.close();
	await Dexie.delete(db.name);
});

async function started(database = db, serverNow?: () => number): Promise<SyncEngine> {
	const created = engine(database, undefined, serverNow);
	await created.start();
	// Caught up: every listed document held up to the server's version (the customer's closes a
	// moment after it synced; the org's, the user's roles, stays open).
	await until(() => {
		const { synced, total } = created.syncProgress;
		return total === server.documents.length && synced === total;
	}, 'caught up');
	await until(() => !!created.connection(ORG_DOC)?.synced, 'org doc synced');
	await created.settled();
	return created;
}

describe('sync engine', () => {
	it('writes the server documents into the read models and delivers an edit (outbox emptied by the ack)', async () => {
		const client = await started();
		expect((await db.customers.get('wingtip'))?.legalName).toBe('Wingtip Toys');
		expect((await db.orgUsers.toArray()).map((row) => row.userId)).toEqual(['rita']);

		const result = await client.append(
			CUSTOMER_DOC,
			'tenantUser.added',
			tenantUser('tu-1'),
			summary
		);
		expect(result.ok).toBe(true);
		// "Saved" means in IndexedDB: the row and the outbox entry are there when append resolves.
		expect(await db.tenantUsers.count()).toBe(1);
		await until(async () => (await db.outbox.count()) === 0, 'ack');
		expect(server.logIds(CUSTOMER_DOC)).toContain(result.ok ? result.eventId : '');
	});

	it('refuses locally, before writing anything, an edit the roles do not allow', async () => {
		const client = await started();
		const result = await client.append(
			CUSTOMER_DOC,
			'order.provisioned',
			{ orderId: 'o-1', newSubscriptions: [] },
			summary
		);
		expect(result).toEqual({ ok: false, code: 'error_system_only' });
		expect(await db.outbox.count()).toBe(0);
	});

	it('says at once when the document on this device rules out an edit, keeping it as not applied', async () => {
		const client = await started();
		// Business Basic allows 300 licenses; the subscription has 3.
		const result = await client.append(
			CUSTOMER_DOC,
			'order.submitted',
			{
				orderId: 'o-over',
				onBehalfOf: null,
				lines: [{ kind: 'addLicenses', subscriptionId: 'sub-1', quantity: 298 }]
			},
			summary
		);
		expect(result).toMatchObject({ ok: false, code: 'error_quantity_out_of_range' });
		const eventId = result.eventId ?? '';
		// Nothing is lost: it still reaches the server, where it is not applied either.
		expect(eventId).not.toBe('');
		await until(() => server.logIds(CUSTOMER_DOC).includes(eventId), 'delivery');
		expect(await db.orders.get(['wingtip', 'o-over'])).toBeUndefined();
	});

	it('does not count itself caught up from losing the channel until the next list arrives', async () => {
		const listKnown: boolean[] = [];
		const client = engine(db, undefined, undefined, (_synced, _total, known) => {
			listKnown.push(known);
		});
		await client.start();
		await until(() => listKnown.at(-1) === true, 'the first list');
		await server.stop();
		await until(() => listKnown.at(-1) === false, 'the list unknown once the channel is lost');
		await server.restart();
		client.reconnect();
		await until(() => listKnown.at(-1) === true, 'the list known again');
	});

	it('says which documents the server lists, and while the summaries it asked for are unanswered', async () => {
		const reports: { listKnown: boolean; summarizing: boolean }[] = [];
		const client = engine(db, undefined, undefined, (_synced, _total, listKnown, summarizing) => {
			reports.push({ listKnown, summarizing });
		});
		const release = server.holdSummaries();
		expect(client.lists(CUSTOMER_DOC)).toBe(false);
		await client.start();
		await until(() => client.lists(CUSTOMER_DOC), 'the customer document listed');
		expect(client.lists(ORG_DOC)).toBe(true);
		expect(client.lists('invitations/never-sent')).toBe(false);
		// A new device asks for the summaries of what it does not hold, and says so until written:
		// never "the list is known, nothing to wait for" while they are unanswered.
		await until(() => server.summariesAsked.includes(CUSTOMER_DOC), 'summaries asked');
		await until(() => reports.at(-1)?.listKnown === true, 'the list reported');
		expect(reports.filter((report) => report.listKnown && !report.summarizing)).toEqual([]);
		release();
		await until(() => {
			const last = reports.at(-1);
			return last?.listKnown === true && !last.summarizing;
		}, 'summaries reported as written');
	});

	it('keeps edits made offline across a reload and delivers them once the server is back', async () => {
		const first = await started();
		await server.stop();
		const made = await first.append(CUSTOMER_DOC, 'tenantUser.added', tenantUser('tu-2'), summary);
		expect(made.ok).toBe(true);
		first.stop();

		// A reload: a new engine opens the document from IndexedDB with no server.
		const reloaded = engine();
		await reloaded.start();
		expect(reloaded.replica(CUSTOMER_DOC)?.hasEvent(made.ok ? made.eventId : '')).toBe(true);
		expect(await db.outbox.count()).toBe(1);

		await server.restart();
		reloaded.reconnect();
		await until(async () => (await db.outbox.count()) === 0, 'delivery after reconnect');
		expect(server.logIds(CUSTOMER_DOC)).toContain(made.ok ? made.eventId : '');
	});

	it('delivers edits of a reload that started while the server restarted, with no reconnect signal', async () => {
		// Chaos seed 1232298027: the provider reloaded while the server restarted, and the server
		// was back before the next health check, so no "reachable again" ever came: no document
		// connected and nine changes waited to sync for good. The channel opens again by itself.
		const first = await started();
		await server.stop();
		const made = await first.append(CUSTOMER_DOC, 'tenantUser.added', tenantUser('tu-r'), summary);
		if (!made.ok) throw new Error('append failed');
		first.stop();

		const reloaded = engine();
		await reloaded.start();
		await until(() => reloaded.replica(CUSTOMER_DOC) !== undefined, 'opened from IndexedDB');
		await server.restart();
		// No reconnect(): the channel tries again by itself, and its documents list connects them.
		await until(async () => (await db.outbox.count()) === 0, 'delivery without a reconnect');
		expect(server.logIds(CUSTOMER_DOC)).toContain(made.eventId);
	});

	it('keeps a refused event aside with its reason, rebuilds from the server and re-sends the others', async () => {
		const client = await started();
		await server.stop();
		const refused = await client.append(
			CUSTOMER_DOC,
			'tenantUser.added',
			tenantUser('tu-3', 'Refuse me'),
			summary
		);
		const kept = await client.append(CUSTOMER_DOC, 'tenantUser.added', tenantUser('tu-4'), summary);
		if (!refused.ok || !kept.ok) throw new Error('appends failed');
		server.refuse = (_name, events) => {
			const bad = events.filter((e) => JSON.stringify(e).includes('Refuse me'));
			return bad.length > 0
				? { code: 'error_missing_capability', eventIds: bad.map((e) => e.id) }
				: null;
		};
		const clientIdBefore = client.replica(CUSTOMER_DOC)?.doc.clientID;
		await server.restart();
		client.reconnect();

		await until(async () => (await db.refused.count()) === 1, 'refused row');
		await until(async () => (await db.outbox.count()) === 0, 'the other edit delivered');
		const row = await db.refused.get(refused.eventId);
		expect(row?.code).toBe('error_missing_capability');
		expect(row?.event.payload).toMatchObject({ displayName: 'Refuse me' });
		expect(server.logIds(CUSTOMER_DOC)).toContain(kept.eventId);
		expect(server.logIds(CUSTOMER_DOC)).not.toContain(refused.eventId);
		expect(client.replica(CUSTOMER_DOC)?.doc.clientID).not.toBe(clientIdBefore);
		await client.settled();
		expect((await db.tenantUsers.toArray()).map((user) => user.tenantUserId)).toEqual(['tu-4']);
	});

	it('re-sends every pending event under a fresh client id when the server refuses the client id', async () => {
		const client = await started();
		await server.stop();
		const first = await client.append(
			CUSTOMER_DOC,
			'tenantUser.added',
			tenantUser('tu-5'),
			summary
		);
		const second = await client.append(
			CUSTOMER_DOC,
			'tenantUser.added',
			tenantUser('tu-6'),
			summary
		);
		if (!first.ok || !second.ok) throw new Error('appends failed');
		const clientIdBefore = client.replica(CUSTOMER_DOC)?.doc.clientID;
		let refusals = 0;
		server.refuse = (_name, events) =>
			events.length > 0 && refusals++ === 0 ? { code: 'sync_client_id_taken', eventIds: [] } : null;
		await server.restart();
		client.reconnect();

		await until(async () => refusals > 0 && (await db.outbox.count()) === 0, 'both re-sent');
		expect(await db.refused.count()).toBe(0);
		expect(server.logIds(CUSTOMER_DOC)).toEqual(
			expect.arrayContaining([first.eventId, second.eventId])
		);
		expect(client.replica(CUSTOMER_DOC)?.doc.clientID).not.toBe(clientIdBefore);
	});

	it('stamps valid events by the server’s clock after seeing one stamped far in the future', async () => {
		// A document that took such a stamp before the server bounded them.
		const far = eventFactory('far')('tenantUser.added', RESELLER, tenantUser('tu-far'));
		server.docs
			.get(CUSTOMER_DOC)
			?.getArray(LOG_KEY)
			.push([{ ...far, at: '999999999999999-99999-x' }]);
		// This device's clock is two hours behind the server's.
		const ahead = 2 * 3_600_000;
		const client = await started(db, () => Date.now() + ahead);
		const result = await client.append(
			CUSTOMER_DOC,
			'tenantUser.added',
			tenantUser('tu-next'),
			summary
		);
		expect(result).toMatchObject({ ok: true });
		const eventId = result.ok ? result.eventId : '';
		await until(() => server.logIds(CUSTOMER_DOC).includes(eventId), 'delivery');
		const sent = (server.docs.get(CUSTOMER_DOC)?.getArray(LOG_KEY).toArray() as DomainEvent[]).find(
			(entry) => entry.id === eventId
		);
		expect(isHlcTimestamp(sent?.at)).toBe(true);
		expect(Math.abs(hlcMillis(sent?.at ?? '') - (Date.now() + ahead))).toBeLessThan(60_000);
	});

	it('keeps an edit the server was too busy to take (1013) and delivers it on the next try', async () => {
		const client = await started();
		let busy = 0;
		server.refuse = (_name, added) => (added.length > 0 && busy++ === 0 ? 'busy' : null);
		const result = await client.append(
			CUSTOMER_DOC,
			'tenantUser.added',
			tenantUser('tu-b'),
			summary
		);
		await until(async () => (await db.outbox.count()) === 0, 'delivered after the retry');
		expect(busy).toBeGreaterThanOrEqual(2);
		expect(server.logIds(CUSTOMER_DOC)).toContain(result.ok ? result.eventId : '');
		expect(await db.tenantUsers.count()).toBe(1);
	});

	it('after a reload, opens a document shared meanwhile as soon as the server lists it', async () => {
		const first = await started();
		first.stop();
		// The same device again (a reload): its documents come from IndexedDB, nothing new yet.
		const reloaded = await started();
		const shared = 'customer/fabrikam-shared';
		seed(shared, customerWithReseller(eventFactory('s')));
		server.documents = [...DOCUMENTS, { name: shared, access: 'write' }];
		server.pushDocuments();
		await until(() => !!reloaded.connection(shared)?.synced, 'shared document synced');
		await until(async () => (await db.documents.get(shared)) !== undefined, 'shared document');
		expect(server.channels()).toBe(1);
	});

	it('connects a big workspace a few documents at a time, a page being opened first, and reports how far it is', async () => {
		const names = Array.from(
			{ length: 150 },
			(_, index) => `customer/bulk-${String(index).padStart(3, '0')}`
		);
		for (const name of names) seed(name, customerWithReseller(eventFactory(name)));
		server.documents = [...DOCUMENTS, ...names.map((name) => ({ name, access: 'write' as const }))];
		// A busy server: each document takes a while to sync, so a flood would show.
		server.stepTwoDelayMs = 150;
		const reports: Array<[number, number]> = [];
		const client = engine(db, undefined, undefined, (synced, total) =>
			reports.push([synced, total])
		);
		let peak = 0;
		const connecting = () =>
			names.filter((name) => {
				const provider = client.connection(name)?.provider;
				return !!provider && (provider.wsconnecting || (provider.wsconnected && !provider.synced));
			}).length;
		const sampler = setInterval(() => {
			peak = Math.max(peak, connecting());
		}, 1);
		// Someone opens the last customer's page (from a link) as the app starts on a new device.
		const opened = names.at(-1) as string;
		const stopWatching = client.watchPresence(opened, 'customer', () => {});
		await client.start();
		await until(() => !!client.connection(opened)?.synced, 'the opened customer synced');
		const syncedBefore = client.syncProgress.synced;
		// Each closes a moment after it synced: caught up is every one held at its listed version.
		await until(() => client.syncProgress.synced === names.length + 2, 'all synced', 30_000);
		clearInterval(sampler);
		stopWatching();
		expect(peak).toBeGreaterThan(0);
		expect(peak).toBeLessThanOrEqual(24);
		// It went ahead of most of the 150 (it was listed last).
		expect(syncedBefore).toBeLessThan(75);
		expect(server.channels()).toBe(1);
		await until(() => reports.at(-1)?.[0] === 152, 'progress reported complete');
		expect(reports.at(-1)).toEqual([152, 152]);
		expect(reports.some(([synced, total]) => total === 152 && synced < total)).toBe(true);
		expect(client.syncProgress).toEqual({ synced: 152, total: 152 });
	});

	it('opens the channel on a new device and syncs the documents its first list names', async () => {
		const client = engine();
		await client.start();
		expect(await db.documents.count()).toBe(0);
		await until(() => !!client.connection(CUSTOMER_DOC)?.synced, 'customer doc synced');
		await until(() => !!client.connection(ORG_DOC)?.synced, 'org doc synced');
		expect(server.channelsOpened).toBe(1);
	});

	it('removes a document the list no longer names, keeping its pending work as refused', async () => {
		const client = await started();
		await server.stop();
		const made = await client.append(CUSTOMER_DOC, 'tenantUser.added', tenantUser('tu-r'), summary);
		if (!made.ok) throw new Error('append failed');
		server.documents = DOCUMENTS.filter((entry) => entry.name !== CUSTOMER_DOC);
		await server.restart();
		client.reconnect();
		await until(() => client.replica(CUSTOMER_DOC) === undefined, 'document dropped');
		await until(async () => (await db.customers.count()) === 0, 'rows removed');
		expect((await db.refused.get(made.eventId))?.code).toBe(NO_ACCESS_CODE);
		expect(!!client.connection(ORG_DOC)).toBe(true);
	});

	it('removes a document the user lost access to (4403) and keeps its pending work as refused', async () => {
		const client = await started();
		await server.stop();
		const made = await client.append(CUSTOMER_DOC, 'tenantUser.added', tenantUser('tu-5'), summary);
		if (!made.ok) throw new Error('append failed');
		server.forbidden.add(CUSTOMER_DOC);
		await server.restart();
		client.reconnect();
		await until(async () => (await db.customers.count()) === 0, 'rows removed');
		expect(client.replica(CUSTOMER_DOC)).toBeUndefined();
		expect(await db.docUpdates.where('doc').equals(CUSTOMER_DOC).count()).toBe(0);
		expect(await db.tenantUsers.count()).toBe(0);
		expect((await db.refused.get(made.eventId))?.code).toBe(NO_ACCESS_CODE);
		expect(await db.outbox.count()).toBe(0);
		// The org document is untouched.
		expect(await db.orgUsers.count()).toBe(1);
	});

	it('refreshes the session on 4401 and reconnects', async () => {
		const client = await started();
		server.closeAll(CUSTOMER_DOC, 4401, 'auth_session_expired');
		await until(() => refreshes === 1, 'session refresh');
		await until(() => !!client.connection(CUSTOMER_DOC)?.synced, 'reconnected');
	});

	it('keeps an edit through a session that ended (4401, refresh refused) and delivers it after signing in again', async () => {
		// A browser killed while offline loses its newest cookies: back online every socket gets
		// 4401 and the refresh is refused. The edit must wait, and go once there is a session.
		const client = await started();
		await server.stop();
		const made = await client.append(CUSTOMER_DOC, 'tenantUser.added', tenantUser('tu-9'), summary);
		if (!made.ok) throw new Error('append failed');
		refreshWorks = false;
		server.expired = true;
		await server.restart();
		client.reconnect();
		await until(() => sessionsEnded > 0, 'the session reported as ended');
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(await db.outbox.count()).toBe(1);
		expect(await db.refused.count()).toBe(0);
		expect(server.logIds(CUSTOMER_DOC)).not.toContain(made.eventId);

		// Signed in again: the same engine reconnects the sockets the 4401 stopped.
		server.expired = false;
		refreshWorks = true;
		client.reconnect();
		await until(async () => (await db.outbox.count()) === 0, 'delivery after signing in again');
		expect(server.logIds(CUSTOMER_DOC)).toContain(made.eventId);
		expect(await db.refused.count()).toBe(0);
	});

	it('keeps two tabs of the same user consistent through the shared database, offline', async () => {
		const tabA = await started();
		const shared = new AppDatabase(db.name);
		extraDatabases.push(shared);
		const tabB = await started(shared);
		await server.stop();
		const fromA = await tabA.append(CUSTOMER_DOC, 'tenantUser.added', tenantUser('tu-a'), summary);
		const fromB = await tabB.append(CUSTOMER_DOC, 'tenantUser.added', tenantUser('tu-b'), summary);
		if (!fromA.ok || !fromB.ok) throw new Error('append failed');
		await until(
			() =>
				!!tabA.replica(CUSTOMER_DOC)?.hasEvent(fromB.eventId) &&
				!!tabB.replica(CUSTOMER_DOC)?.hasEvent(fromA.eventId),
			'each tab has the other tab’s edit'
		);
		await tabA.settled();
		await tabB.settled();
		expect((await db.tenantUsers.toArray()).map((user) => user.tenantUserId).sort()).toEqual([
			'tu-a',
			'tu-b'
		]);
		expect(tabA.replica(CUSTOMER_DOC)?.state).toEqual(tabB.replica(CUSTOMER_DOC)?.state);
		expect(await db.outbox.count()).toBe(2);
	});

	it('delivers what two devices appended offline at the same time, in the order the server took them', async () => {
		const other = new AppDatabase(`sync-${Math.random().toString(36).slice(2)}`);
		extraDatabases.push(other);
		const a = { engine: await started(), db };
		const b = { engine: await started(other), db: other };
		await server.stop();
		const docOf = (device: SyncEngine) => {
			const doc = device.replica(CUSTOMER_DOC)?.doc;
			if (!doc) throw new Error('no replica');
			return doc;
		};
		// Yjs puts the smaller client id first: the device with the smaller one reconnects second,
		// so its event would land before the one the server acknowledged first.
		const [first, second] = docOf(a.engine).clientID > docOf(b.engine).clientID ? [a, b] : [b, a];
		const fromFirst = await first.engine.append(
			CUSTOMER_DOC,
			'tenantUser.added',
			tenantUser('tu-1st'),
			summary
		);
		const fromSecond = await second.engine.append(
			CUSTOMER_DOC,
			'tenantUser.added',
			tenantUser('tu-2nd'),
			summary
		);
		if (!fromFirst.ok || !fromSecond.ok) throw new Error('append failed');
		// Notes typed offline in the same spell go with the events.
		docOf(second.engine).getText('notes').insert(0, 'typed offline');
		await second.engine.settled();

		await server.restart();
		first.engine.reconnect();
		await until(async () => (await first.db.outbox.count()) === 0, 'the first event acknowledged');
		const acknowledged = server.logIds(CUSTOMER_DOC);
		expect(acknowledged.at(-1)).toBe(fromFirst.eventId);

		const closes: string[] = [];
		second.engine
			.connection(CUSTOMER_DOC)
			?.provider.on('closed', ({ reason }: { reason: string }) => {
				closes.push(reason);
			});
		second.engine.reconnect();
		await until(async () => (await second.db.outbox.count()) === 0, 'the second event delivered');
		// It was refused once for landing before the acknowledged event, rebased, and taken.
		expect(closes).toContain('sync_log_not_at_tail');
		expect(await a.db.refused.count()).toBe(0);
		expect(await b.db.refused.count()).toBe(0);
		expect(server.logIds(CUSTOMER_DOC)).toEqual([...acknowledged, fromSecond.eventId]);
		expect(server.docs.get(CUSTOMER_DOC)?.getText('notes').toString()).toBe('typed offline');
		// Every replica ends with the server's order.
		const idsOf = (device: SyncEngine) =>
			docOf(device)
				.getArray<{ id: string }>(LOG_KEY)
				.toArray()
				.map((entry) => entry.id);
		await until(
			() =>
				idsOf(first.engine).includes(fromSecond.eventId) &&
				idsOf(second.engine).includes(fromFirst.eventId),
			'both devices have both events'
		);
		for (const device of [first, second]) {
			expect(idsOf(device.engine)).toEqual(server.logIds(CUSTOMER_DOC));
		}
		await second.engine.settled();
		expect((await second.db.tenantUsers.toArray()).map((u) => u.tenantUserId).sort()).toEqual([
			'tu-1st',
			'tu-2nd'
		]);
	});

	it('lists the people already on a page when this tab opens it, to every listener of it', async () => {
		const client = await started();
		// Their presence reached this tab before the page was opened.
		const other = new Awareness(new Y.Doc());
		other.setLocalState({
			view: 'customer-record',
			verifiedUser: { userId: 'pia', orgId: 'northwind', fullName: 'Pia Sato', orgName: 'N' }
		});
		applyAwarenessUpdate(
			client.connection(CUSTOMER_DOC)!.provider.awareness,
			encodeAwarenessUpdate(other, [other.clientID]),
			'server'
		);
		const first: string[][] = [];
		const second: string[][] = [];
		const leave = client.watchPresence(CUSTOMER_DOC, 'customer-record', (peers) =>
			first.push(peers.map((peer) => peer.fullName))
		);
		const leaveToo = client.watchPresence(CUSTOMER_DOC, 'customer-record', (peers) =>
			second.push(peers.map((peer) => peer.fullName))
		);
		expect(first.at(-1)).toEqual(['Pia Sato']);
		expect(second).toEqual([['Pia Sato']]);
		leave();
		leaveToo();
		other.destroy();
	});

	describe('since you were last online', () => {
		async function away(hours: number): Promise<AwaySummary | undefined> {
			let clock = Date.now();
			const client = engine(db, () => clock);
			await client.start();
			await until(() => !!client.connection(CUSTOMER_DOC)?.synced, 'customer doc synced');
			await until(() => !!client.connection(ORG_DOC)?.synced, 'org doc synced');
			await server.stop();
			await until(() => !client.connection(CUSTOMER_DOC)?.synced, 'offline');
			// Others work meanwhile; so does this user (their own changes are not news to them).
			const make = eventFactory('elsewhere');
			server.docs
				.get(CUSTOMER_DOC)
				?.getArray(LOG_KEY)
				.push([
					make('tenantUser.added', CUSTOMER_ADMIN, tenantUser('tu-x')),
					make('tenantUser.added', CUSTOMER_ADMIN, tenantUser('tu-y'))
				]);
			const mine = await client.append(
				CUSTOMER_DOC,
				'tenantUser.added',
				tenantUser('tu-me'),
				summary
			);
			expect(mine.ok).toBe(true);
			clock += hours * 3_600_000;
			await server.restart();
			client.reconnect();
			await until(async () => (await db.outbox.count()) === 0, 'back in contact');
			await until(async () => (await db.tenantUsers.count()) === 3, 'their changes arrived');
			await client.settled();
			return (await db.settings.get(AWAY_SUMMARY_SETTING))?.value as AwaySummary | undefined;
		}

		it('counts what others changed while the device was offline for long, by type and org', async () => {
			const before = Date.now();
			const summaryAfter = await away(30);
			expect(summaryAfter?.items).toEqual([
				{ doc: CUSTOMER_DOC, type: 'tenantUser.added', byOrgId: CUSTOMER_ID, count: 2 }
			]);
			expect(summaryAfter?.since).toBeGreaterThanOrEqual(before);
			expect(summaryAfter?.until).toBeGreaterThanOrEqual(before + 30 * 3_600_000);
		});

		it('says nothing after a short blip', async () => {
			expect(await away(0)).toBeUndefined();
		});
	});

	describe('a distributor’s workspace', () => {
		const CUSTOMERS = 60;
		const names = Array.from(
			{ length: CUSTOMERS },
			(_, index) => `customer/bulk-${String(index).padStart(3, '0')}`
		);

		function seedCustomers() {
			for (const name of names) {
				const customerId = name.slice('customer/'.length);
				const events = customerWithReseller(eventFactory(customerId.replace('-', '')));
				// Accepted by the customer's own admin (its org is the customer's id).
				const accepted = events[2] as DomainEvent;
				events[2] = { ...accepted, by: { userId: 'carol', orgId: customerId } } as DomainEvent;
				seed(name, events);
			}
			server.documents = [
				...DOCUMENTS,
				...names.map((name) => ({ name, access: 'write' as const }))
			];
		}

		const open = (client: SyncEngine) =>
			[CUSTOMER_DOC, ...names].filter((name) => client.replica(name) !== undefined);

		it('shows every customer from the server’s summaries before their documents sync', async () => {
			seedCustomers();
			// A slow server: documents take long to sync, summaries come at once.
			server.stepTwoDelayMs = 400;
			// Listed from memory while they are written: every customer, then none once written.
			const inMemory: string[][] = [];
			const client = engine(db, undefined, undefined, undefined, 50, {
				unwrittenCustomers: ({ rows }) => inMemory.push(rows.map((row) => row.customerId))
			});
			await client.start();
			await until(async () => (await db.customers.count()) === CUSTOMERS + 1, 'every row');
			await until(() => inMemory.at(-1)?.length === 0, 'none left in memory');
			expect(new Set(inMemory.flat())).toEqual(
				new Set([CUSTOMER_ID, ...names.map((name) => name.slice('customer/'.length))])
			);
			expect(client.syncProgress.synced).toBeLessThan(CUSTOMERS);
			const row = await db.customers.get('bulk-007');
			expect(row?.resellerIds).toEqual([RESELLER.orgId]);
			expect(await db.customerRelationships.where('customerId').equals('bulk-007').count()).toBe(1);
			expect(server.summariesAsked.length).toBe(CUSTOMERS + 2);
			// The documents still sync in the background, and replace the summaries' rows.
			await until(
				() => client.syncProgress.synced === client.syncProgress.total,
				'caught up',
				30_000
			);
			await until(
				async () => (await db.documents.count()) === CUSTOMERS + 2,
				'every document held'
			);
			expect(await db.customers.count()).toBe(CUSTOMERS + 1);
		});

		it('keeps only what is needed open once synced, and syncs a closed document that changes', async () => {
			seedCustomers();
			const client = engine(db, undefined, undefined, undefined, 50);
			await client.start();
			await until(() => client.syncProgress.synced === CUSTOMERS + 2, 'caught up', 30_000);
			// The customers close a moment after they synced; the user's org stays open (their roles).
			await until(() => open(client).length === 0, 'customers closed');
			expect(client.replica(ORG_DOC)).toBeDefined();
			expect(server.connections('customer/bulk-031')).toBe(0);
			// Someone else buys a subscription for a customer whose document is closed here.
			const started = Date.now();
			server.docs
				.get('customer/bulk-031')
				?.getArray(LOG_KEY)
				.push(subscriptionBought(eventFactory('other'), 'o-9', 'sub-9', 7));
			await until(
				async () => (await db.customers.get('bulk-031'))?.licenseCount === 7,
				'the change synced'
			);
			expect(Date.now() - started).toBeLessThan(1_000);
			await until(() => open(client).length === 0, 'closed again');
		});

		it('opens only the org after a reload with nothing new, and catches up with what changed meanwhile', async () => {
			seedCustomers();
			const first = engine(db, undefined, undefined, undefined, 50);
			await first.start();
			await until(() => first.syncProgress.synced === CUSTOMERS + 2, 'caught up', 30_000);
			await first.settled();
			first.stop();
			// While the device was off, two customers changed.
			for (const name of [names[3], names[40]] as string[]) {
				server.docs
					.get(name)
					?.getArray(LOG_KEY)
					.push(subscriptionBought(eventFactory(`later${name.slice(-3)}`), 'o-2', 'sub-2', 2));
			}
			const openedBefore = server.opened.length;
			const reloaded = engine(db, undefined, undefined, undefined, 50);
			await reloaded.start();
			await until(() => reloaded.syncProgress.total === CUSTOMERS + 2, 'listed');
			await until(() => reloaded.syncProgress.synced === CUSTOMERS + 2, 'caught up again');
			expect(server.opened.slice(openedBefore).sort()).toEqual(
				[ORG_DOC, names[3], names[40]].sort()
			);
			await until(
				async () => (await db.customers.get('bulk-040'))?.licenseCount === 2,
				'the change saved'
			);
			expect(server.summariesAsked.filter((name) => name === names[3])).toHaveLength(1);
		});

		it('opens a closed document for an edit and keeps it open until the server has it', async () => {
			seedCustomers();
			const client = engine(db, undefined, undefined, undefined, 50);
			await client.start();
			await until(() => client.syncProgress.synced === CUSTOMERS + 2, 'caught up', 30_000);
			await until(() => client.replica(names[12] as string) === undefined, 'closed');
			const made = await client.append(
				names[12] as string,
				'tenantUser.added',
				tenantUser('tu-edit'),
				summary
			);
			expect(made.ok).toBe(true);
			await until(async () => (await db.outbox.count()) === 0, 'delivered');
			expect(server.logIds(names[12] as string)).toContain(made.ok ? made.eventId : '');
			await until(() => client.replica(names[12] as string) === undefined, 'closed after the ack');
		});

		it('checks an edit of a document only summarized here against the document, once it came', async () => {
			seedCustomers();
			// Documents take long to sync: the row from the summary is there well before.
			server.stepTwoDelayMs = 300;
			const client = engine(db, undefined, undefined, undefined, 50);
			await client.start();
			await until(async () => (await db.customers.get('bulk-044')) !== undefined, 'summary row');
			expect(await db.documents.get(names[44] as string)).toBeUndefined();
			const made = await client.append(
				names[44] as string,
				'tenantUser.added',
				tenantUser('tu-early'),
				summary
			);
			expect(made.ok).toBe(true);
			await until(async () => (await db.outbox.count()) === 0, 'delivered');
			expect(server.logIds(names[44] as string)).toContain(made.ok ? made.eventId : '');
		});

		it('keeps a document a page holds open, and closes it once the page is left', async () => {
			seedCustomers();
			const client = engine(db, undefined, undefined, undefined, 50);
			await client.start();
			await until(() => client.syncProgress.synced === CUSTOMERS + 2, 'caught up', 30_000);
			const release = client.hold(names[5] as string);
			await until(() => !!client.connection(names[5] as string)?.synced, 'held and live');
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(client.replica(names[5] as string)).toBeDefined();
			release();
			await until(() => client.replica(names[5] as string) === undefined, 'closed after');
		});
	});
});
