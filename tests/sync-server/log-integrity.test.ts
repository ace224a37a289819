// Acknowledged history never moves: an update whose new log items Yjs would place before events the
// server already had (an old origin, no right origin, a small client id) is refused with
// sync_log_not_at_tail and neither stored nor relayed; tombstones a rebase leaves are admitted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { encodeUpdate, messageRefused } from '../../sync-server/src/wire-format';
import {
	CONTOSO_ADMIN,
	CONTOSO_SALES,
	closedWith,
	event,
	rebaseOnRefusal,
	startTestServer,
	tenantUserAdded,
	waitFor,
	waitForSync,
	type TestServer
} from './harness';

const ORG = 'org/contoso';
const WINGTIP = 'customer/wingtip';

let t: TestServer;

beforeAll(async () => {
	t = await startTestServer();
});
afterAll(async () => {
	await t.close();
});

async function connected(email: string, name: string, doc = new Y.Doc()) {
	const provider = t.provider(name, await t.signIn(email), doc);
	await waitForSync(provider);
	return { provider, doc, log: doc.getArray<Record<string, unknown>>('log') };
}

/** The server's log, once everything queued for it is decided (in a cluster, as the store has it). */
async function serverLog(name: string): Promise<unknown[]> {
	const live = await t.server.registry.get(name);
	if (!live) throw new Error(name);
	await t.server.registry.repair(live);
	return live.log.toArray();
}

async function serverHas(name: string, id: unknown): Promise<void> {
	for (let i = 0; i < 200; i += 1) {
		if ((await serverLog(name)).some((e) => (e as { id?: unknown }).id === id)) return;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	throw new Error(`${String(id)} never reached ${name}`);
}

function captureRefusal(provider: WebsocketProvider): { code: string; eventIds: string[] }[] {
	const seen: { code: string; eventIds: string[] }[] = [];
	provider.messageHandlers[messageRefused] = (_encoder, decoder) => {
		seen.push(JSON.parse(decoding.readVarString(decoder)) as { code: string; eventIds: string[] });
	};
	return seen;
}

/**
 * What an insider crafts: the document as it was at `state`, with client id 1 (ordered before any
 * other), and `change` made to it; the update carries only what is new.
 */
function crafted(state: Uint8Array, change: (log: Y.Array<unknown>) => void): Uint8Array {
	const fork = new Y.Doc();
	fork.clientID = 1;
	Y.applyUpdate(fork, state);
	const before = Y.encodeStateVector(fork);
	change(fork.getArray('log'));
	return Y.encodeStateAsUpdate(fork, before);
}

function sendRaw(provider: WebsocketProvider, update: Uint8Array): void {
	provider.ws?.send(encodeUpdate(update));
}

describe('the log as the server holds it never changes', () => {
	it('refuses an event crafted to land before acknowledged ones, and stores and relays nothing', async () => {
		const admin = await connected('admin@wingtip.example', WINGTIP);
		const stateBefore = Y.encodeStateAsUpdate(admin.doc);
		const acknowledged = tenantUserAdded({ userId: 'wingtip-admin', orgId: 'wingtip' });
		admin.log.push([acknowledged]);
		await serverHas(WINGTIP, acknowledged.id);
		const before = await serverLog(WINGTIP);
		const observer = await connected('admin@contoso.example', WINGTIP);
		const attacker = await connected('admin@contoso.example', WINGTIP);
		const refusals = captureRefusal(attacker.provider);
		const closed = closedWith(attacker.provider);
		const forged = tenantUserAdded(CONTOSO_ADMIN, 'Mid Log');
		sendRaw(
			attacker.provider,
			crafted(stateBefore, (log) => log.push([forged]))
		);
		expect(await closed).toEqual({ code: 4400, reason: 'sync_log_not_at_tail' });
		expect(refusals).toEqual([{ code: 'sync_log_not_at_tail', eventIds: [forged.id] }]);
		expect(await serverLog(WINGTIP)).toEqual(before);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(observer.log.toArray()).toEqual(before);
		// Nothing was stored either: a new client loads exactly what was there before.
		await t.server.registry.unloadIdle(true);
		const fresh = await connected('admin@wingtip.example', WINGTIP);
		expect(fresh.log.toArray()).toEqual(before);
		for (const each of [admin, observer, fresh]) each.provider.destroy();
	});

	it('keeps a demoted Sales agent demoted: a profile change inserted before the demotion under its id is refused', async () => {
		const admin = await connected('admin@contoso.example', ORG);
		const sales = await connected('sales@contoso.example', ORG);
		const promoted = event('user.rolesChanged', CONTOSO_ADMIN, {
			userId: CONTOSO_SALES.userId,
			roles: ['accountAdmin', 'salesAgent']
		});
		admin.log.push([promoted]);
		await serverHas(ORG, promoted.id);
		await waitFor(() => sales.log.toArray().some((e) => e.id === promoted.id));
		// What the Sales agent's device holds before the demotion.
		const beforeDemotion = Y.encodeStateAsUpdate(sales.doc);
		const demoted = event('user.rolesChanged', CONTOSO_ADMIN, {
			userId: CONTOSO_SALES.userId,
			roles: ['salesAgent']
		});
		admin.log.push([demoted]);
		await serverHas(ORG, demoted.id);
		const rolesOfSales = async () =>
			t.server.registry.policy.rolesOf(
				await t.server.registry.current({ kind: 'org', orgId: 'contoso' }),
				CONTOSO_SALES.userId
			);
		expect(await rolesOfSales()).toEqual(['salesAgent']);
		const before = await serverLog(ORG);

		const closed = closedWith(sales.provider);
		// An event of the org document the agent could write while promoted (its links are another
		// document's, whose log the demotion is not in).
		const forged = {
			...event('org.profileUpdated', CONTOSO_SALES, {
				support: { email: 'support@contoso.example' }
			}),
			id: demoted.id
		};
		sendRaw(
			sales.provider,
			crafted(beforeDemotion, (log) => log.push([forged]))
		);
		expect(await closed).toEqual({ code: 4400, reason: 'sync_log_not_at_tail' });
		expect(await serverLog(ORG)).toEqual(before);
		expect(await rolesOfSales()).toEqual(['salesAgent']);
		admin.provider.destroy();
	});

	it('admits the tombstone a rebase leaves with the event appended again at the tail', async () => {
		const admin = await connected('admin@wingtip.example', WINGTIP);
		const writer = await connected('admin@contoso.example', WINGTIP);
		const stateBefore = Y.encodeStateAsUpdate(writer.doc);
		const acknowledged = tenantUserAdded({ userId: 'wingtip-admin', orgId: 'wingtip' });
		admin.log.push([acknowledged]);
		await serverHas(WINGTIP, acknowledged.id);
		await waitFor(() => writer.log.toArray().some((e) => e.id === acknowledged.id));
		const mine = tenantUserAdded(CONTOSO_ADMIN, 'Rebased');
		// Made offline before the acknowledged event was seen: Yjs puts it first (client id 1).
		const offline = crafted(stateBefore, (log) => log.push([mine]));
		const fork = new Y.Doc();
		fork.clientID = 1;
		Y.applyUpdate(fork, Y.encodeStateAsUpdate(writer.doc));
		Y.applyUpdate(fork, offline);
		const log = fork.getArray<Record<string, unknown>>('log');
		const at = log.toArray().findIndex((e) => e.id === mine.id);
		expect(log.get(at + 1)?.id).toBe(acknowledged.id);
		const vector = Y.encodeStateVector(writer.doc);
		fork.transact(() => {
			log.delete(at, 1);
			log.push([mine]);
		});
		const before = await serverLog(WINGTIP);
		sendRaw(writer.provider, Y.encodeStateAsUpdate(fork, vector));
		await serverHas(WINGTIP, mine.id);
		expect(await serverLog(WINGTIP)).toEqual([...before, mine]);
		await waitFor(() => admin.log.toArray().at(-1)?.id === mine.id);
		expect(writer.provider.wsconnected).toBe(true);

		// Deleting an item the server already had stays refused, whoever wrote it.
		const closed = closedWith(writer.provider);
		const refusals = captureRefusal(writer.provider);
		writer.log.delete(writer.log.length - 2, 1);
		expect(await closed).toEqual({ code: 4400, reason: 'sync_log_changed' });
		expect(refusals.map((r) => r.code)).toEqual(['sync_log_changed']);
		expect(await serverLog(WINGTIP)).toEqual([...before, mine]);
		admin.provider.destroy();
	});

	it('shows a writer refused for landing mid-log the tail it had not seen, so one rebase lands there while the server is busy committing', async () => {
		const admin = await connected('admin@wingtip.example', WINGTIP);
		const doc = new Y.Doc();
		doc.clientID = 7; // small: Yjs orders its concurrent appends before the others’ (1 is taken above)
		const writer = await connected('admin@contoso.example', WINGTIP, doc);
		writer.provider.disconnect();
		// Commits are slow: the answer to a sync step 1 waits for them (it is sent from durable state).
		let release = () => {};
		const released = new Promise<void>((resolve) => {
			release = resolve;
		});
		const stores = t.servers.map((server) => server.storage.documents);
		const appends = stores.map((store) => store.append.bind(store));
		stores.forEach((store, index) => {
			store.append = async (...args) => {
				await released;
				return appends[index]!(...args);
			};
		});
		try {
			const other = tenantUserAdded({ userId: 'wingtip-admin', orgId: 'wingtip' }, 'Other');
			admin.log.push([other]);
			const mine = tenantUserAdded(CONTOSO_ADMIN, 'Mine');
			writer.log.push([mine]);
			const refusals = captureRefusal(writer.provider);
			rebaseOnRefusal(writer.provider);
			writer.provider.connect();
			await new Promise((resolve) => setTimeout(resolve, 600));
			release();
			await serverHas(WINGTIP, mine.id);
			// Refused once (it landed before `other`), shown `other` with the refusal, rebased once.
			expect(refusals.map((refusal) => refusal.code)).toEqual(['sync_log_not_at_tail']);
			expect((await serverLog(WINGTIP)).slice(-2)).toEqual([other, mine]);
		} finally {
			release();
			stores.forEach((store, index) => {
				store.append = appends[index]!;
			});
			writer.provider.destroy();
			admin.provider.destroy();
		}
	});
});
