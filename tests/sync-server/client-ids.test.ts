// Client ids belong to their writer: structs for another person's (or the server's) client id, GC
// structs, and clocks claimed far past what an update carries are refused, so nobody can make
// someone else's next edits look already known (Yjs would drop them, acknowledged and lost).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as decoding from 'lib0/decoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { encodeUpdate, messageAck, messageRefused } from '../../sync-server/src/wire-format';
import {
	CONTOSO_ADMIN,
	WINGTIP_ADMIN,
	closedWith,
	craftedUpdate,
	socketClosed,
	startTestServer,
	tenantUserAdded,
	waitFor,
	waitForAsync,
	waitForSync,
	type CraftedStruct,
	type TestServer
} from './harness';

const DOC = 'customer/wingtip';

let t: TestServer;
beforeAll(async () => {
	t = await startTestServer();
});
afterAll(async () => {
	await t.close();
});

/** A stock client that records acknowledgements (the highest clock acknowledged per client). */
async function writer(server: TestServer, email: string, doc = new Y.Doc()) {
	const provider = server.provider(DOC, await server.signIn(email), doc, server.url, { ack: '1' });
	const acked = new Map<number, number>();
	provider.messageHandlers[messageAck] = (_encoder, decoder: decoding.Decoder) => {
		for (const [client, clock] of Y.decodeStateVector(decoding.readVarUint8Array(decoder))) {
			acked.set(client, Math.max(clock, acked.get(client) ?? 0));
		}
	};
	const refusals: string[] = [];
	provider.messageHandlers[messageRefused] = (_encoder, decoder: decoding.Decoder) => {
		refusals.push((JSON.parse(decoding.readVarString(decoder)) as { code: string }).code);
	};
	await waitForSync(provider);
	return { provider, doc, log: doc.getArray('log'), acked, refusals };
}

/** Appends an event, waits until it is acknowledged, and checks the server holds it. */
async function appendAcknowledged(
	server: TestServer,
	w: Awaited<ReturnType<typeof writer>>,
	name: string,
	by = CONTOSO_ADMIN
): Promise<void> {
	w.log.push([tenantUserAdded(by, name)]);
	const clock = Y.getState(w.doc.store, w.doc.clientID);
	await waitFor(() => (w.acked.get(w.doc.clientID) ?? 0) >= clock, 5000, `ack of ${name}`);
	await waitFor(
		() => JSON.stringify(server.server.registry.peek(DOC)?.log.toArray()).includes(name),
		5000,
		`${name} on the server`
	);
}

/** The server replica's clock of `client` on the document (0: it has nothing of it). */
function serverClock(client: number): number {
	const live = t.server.registry.peek(DOC);
	if (!live) throw new Error(`${DOC} not loaded`);
	return Y.getState(live.doc.store, client);
}

/** How the provider's connection closed, or code 0 if it is still open after 5 s (not refused). */
function closedSoon(provider: WebsocketProvider): Promise<{ code: number; reason: string }> {
	return Promise.race([
		closedWith(provider),
		new Promise<{ code: number; reason: string }>((resolve) =>
			setTimeout(() => resolve({ code: 0, reason: 'still open' }), 5000)
		)
	]);
}

/** Sends `update` on a raw connection of `email`; resolves with the close (code 0: still open). */
async function sendRaw(
	email: string,
	update: Uint8Array
): Promise<{ code: number; reason: string }> {
	const socket = t.socket(DOC, (await t.signIn(email)).cookie);
	await new Promise((resolve) => socket.once('open', resolve));
	const closed = socketClosed(socket);
	socket.send(encodeUpdate(update));
	const result = await Promise.race([
		closed,
		new Promise<{ code: number; reason: string }>((resolve) =>
			setTimeout(() => resolve({ code: 0, reason: 'still open' }), 2000)
		)
	]);
	socket.terminate();
	return result;
}

/** Sends a crafted update from a stock client of `email` (its doc synced first), expects refusal. */
async function expectRefused(
	email: string,
	client: number,
	structs: CraftedStruct[],
	code: string
) {
	expect(await sendRaw(email, craftedUpdate(client, serverClock(client), structs))).toEqual({
		code: 4400,
		reason: code
	});
}

/**
 * Has a stock client of `email` append an event named `name` under `client` (its replica takes
 * that id after syncing, so a local change uses it); expects the server to refuse it as someone
 * else's id, and returns the refusals the client heard.
 */
async function expectWriteUnderRefused(
	email: string,
	client: number,
	by: { userId: string; orgId: string },
	name: string
): Promise<string[]> {
	const attacker = await writer(t, email);
	const closed = closedSoon(attacker.provider);
	const own = attacker.doc.clientID;
	attacker.doc.clientID = client;
	attacker.log.push([tenantUserAdded(by, name)]);
	expect(await closed).toEqual({ code: 4400, reason: 'sync_client_id_taken' });
	attacker.doc.clientID = own; // its presence is keyed by the id it started with
	attacker.provider.destroy();
	return attacker.refusals;
}

describe('client ids belong to their writer', () => {
	it('refuses a GC struct over another user’s next 2^40 clocks; that user’s next edit is kept', async () => {
		// The attacker was a Billing admin, who since reads follow roles does not get the
		// customer document at all (authorization.test.ts): a Sales agent of the same reseller does.
		const victim = await writer(t, 'admin@contoso.example');
		await appendAcknowledged(t, victim, 'Before The Attack');
		await expectRefused(
			'sales@contoso.example',
			victim.doc.clientID,
			[{ kind: 'gc', length: 2 ** 40 }],
			'sync_struct_gc'
		);
		// The victim's next edit is stored, acknowledged, and reaches everyone else.
		const observer = await writer(t, 'admin@wingtip.example');
		await appendAcknowledged(t, victim, 'After The Attack');
		await waitFor(() => JSON.stringify(observer.log.toArray()).includes('After The Attack'));
		expect(victim.refusals).toEqual([]);
		victim.provider.destroy();
		observer.provider.destroy();
	});

	it('refuses an item written under another user’s client id; that user’s next edit is kept', async () => {
		const victim = await writer(t, 'admin@contoso.example');
		await appendAcknowledged(t, victim, 'Victim First');
		// The attacker's replica takes the victim's id after syncing (a local change then uses it).
		expect(
			await expectWriteUnderRefused(
				'admin@wingtip.example',
				victim.doc.clientID,
				WINGTIP_ADMIN,
				'Forged Under Victim Id'
			)
		).toEqual(['sync_client_id_taken']);
		await appendAcknowledged(t, victim, 'Victim Second');
		const log = JSON.stringify(t.server.registry.peek(DOC)?.log.toArray());
		expect(log).not.toContain('Forged Under Victim Id');
		victim.provider.destroy();
	});

	it('refuses an item written under the server’s own client id', async () => {
		const live = await t.server.registry.get(DOC);
		if (!live) throw new Error(DOC);
		// The demo workspace was written by the server: its log items carry the server's client ids.
		const serverClient = (live.log._start as Y.Item).id.client;
		await expectWriteUnderRefused(
			'admin@contoso.example',
			serverClient,
			CONTOSO_ADMIN,
			'Forged Under Server Id'
		);
	});

	it('refuses a GC struct, and deleted items, claiming 2^40 clocks of one’s own new client id', async () => {
		const own = 1_234_567;
		expect(
			await sendRaw(
				'admin@contoso.example',
				craftedUpdate(own, 0, [{ kind: 'gc', length: 2 ** 40 }])
			)
		).toEqual({ code: 4400, reason: 'sync_struct_gc' });
		expect(
			await sendRaw(
				'admin@contoso.example',
				craftedUpdate(own + 1, 0, [{ kind: 'deleted', length: 2 ** 40, root: 'notes' }])
			)
		).toEqual({ code: 4400, reason: 'sync_clock_jump' });
		expect(serverClock(own)).toBe(0);
		expect(serverClock(own + 1)).toBe(0);
	});

	it('makes a client id its writer’s once its presence shows it, so what it then writes offline arrives', async () => {
		// The victim opens the record (its presence shows its client id to everyone on it) and has
		// written nothing yet; it goes offline and adds a user. Whoever wrote under that id first
		// would own it, and the victim's edit at the same clock would look already known.
		const victim = await writer(t, 'admin@contoso.example');
		const id = victim.doc.clientID;
		victim.provider.awareness.setLocalState({ view: 'record' });
		// The claim is stored (in the store every process reads) before anyone could have seen the id.
		await waitForAsync(
			async () => (await t.server.storage.documents.claimClients(DOC, [], [id], 'lookup')).has(id),
			5000,
			'the claim of the victim’s client id'
		);
		victim.provider.disconnect();
		victim.log.push([tenantUserAdded(CONTOSO_ADMIN, 'Made Offline By The Victim')]);

		await expectWriteUnderRefused(
			'sales@contoso.example',
			id,
			CONTOSO_ADMIN,
			'Forged Before The Victim Syncs'
		);

		victim.provider.connect();
		const clock = Y.getState(victim.doc.store, id);
		await waitFor(() => (victim.acked.get(id) ?? 0) >= clock, 5000, 'ack of the offline edit');
		const log = JSON.stringify(t.server.registry.peek(DOC)?.log.toArray());
		expect(log).toContain('Made Offline By The Victim');
		expect(log).not.toContain('Forged Before The Victim Syncs');
		expect(victim.refusals).toEqual([]);
		victim.provider.destroy();
	});

	it('lets one user write from two devices, and pass on another’s edits it synced', async () => {
		const laptop = await writer(t, 'admin@contoso.example');
		const phone = await writer(t, 'admin@contoso.example');
		await appendAcknowledged(t, laptop, 'From The Laptop');
		await appendAcknowledged(t, phone, 'From The Phone');
		// A replica that holds the laptop's items sends them with its own (a sync step 2 does).
		const tablet = new Y.Doc();
		Y.applyUpdate(tablet, Y.encodeStateAsUpdate(laptop.doc));
		const fromTablet = await writer(t, 'admin@wingtip.example', tablet);
		await appendAcknowledged(t, fromTablet, 'From The Tablet', WINGTIP_ADMIN);
		expect([laptop.refusals, phone.refusals, fromTablet.refusals]).toEqual([[], [], []]);
		for (const w of [laptop, phone, fromTablet]) w.provider.destroy();
	});
});

describe('client id ownership is durable', () => {
	it('keeps a client id its owner’s after a restart (and compaction): the owner goes on, another user is refused', async () => {
		const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tiertwo-client-ids-'));
		try {
			let server = await startTestServer({ dataDir });
			const doc = new Y.Doc();
			const first = await writer(server, 'admin@contoso.example', doc);
			await appendAcknowledged(server, first, 'Before Restart');
			const client = doc.clientID;
			// The device keeps its replica, and its client id, across the restart.
			const kept = new Y.Doc();
			Y.applyUpdate(kept, Y.encodeStateAsUpdate(doc));
			kept.clientID = client;
			first.provider.destroy();
			await server.close();

			server = await startTestServer({ dataDir });
			try {
				// Another user writes under the id after the restart: refused.
				const other = await writer(server, 'admin@wingtip.example');
				const closed = closedSoon(other.provider);
				const own = other.doc.clientID;
				other.doc.clientID = client;
				other.log.push([tenantUserAdded(WINGTIP_ADMIN, 'Reused After Restart')]);
				expect(await closed).toEqual({ code: 4400, reason: 'sync_client_id_taken' });
				other.doc.clientID = own;
				other.provider.destroy();
				// The owner reconnects with the same replica (same client id) and goes on.
				const again = await writer(server, 'admin@contoso.example', kept);
				await appendAcknowledged(server, again, 'After Restart');
				expect(again.refusals).toEqual([]);
				expect(kept.clientID).toBe(client);
				again.provider.destroy();
			} finally {
				await server.close();
			}
		} finally {
			rmSync(dataDir, { recursive: true, force: true });
		}
	});
});
