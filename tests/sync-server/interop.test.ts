// The stock y-websocket client syncs through the server: documents converge, presence travels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { encodeUpdate, messageAck, messageRefused } from '../../sync-server/src/wire-format';
import {
	CLUSTER_MODE,
	CONTOSO_ADMIN,
	rebaseOnRefusal,
	socketClosed,
	startTestServer,
	tenantUserAdded,
	waitFor,
	waitForSync,
	WINGTIP_ADMIN,
	type TestServer
} from './harness';

let t: TestServer;

/** A raw awareness message announcing `clients` (at `clock`, 1 unless given) with the same state. */
function presenceFrame(clients: readonly number[], state: string, clock = 1): Uint8Array {
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, clients.length);
	for (const client of clients) {
		encoding.writeVarUint(update, client);
		encoding.writeVarUint(update, clock);
		encoding.writeVarString(update, state);
	}
	const frame = encoding.createEncoder();
	encoding.writeVarUint(frame, 1);
	encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
	return encoding.toUint8Array(frame);
}

/**
 * A client's two edits made while it was away, and the frame it sends first on reconnecting: the
 * second edit alone, which builds on the first (the server has neither).
 */
async function editsMadeAway(server: TestServer, name: string) {
	const session = await server.signIn('admin@contoso.example');
	const doc = new Y.Doc();
	const first = server.provider(name, session, doc);
	await waitForSync(first);
	first.destroy();
	const before = Y.encodeStateVector(doc);
	doc.getArray('log').push([tenantUserAdded(CONTOSO_ADMIN, 'Made Away One')]);
	const afterFirst = Y.encodeStateVector(doc);
	doc.getArray('log').push([tenantUserAdded(CONTOSO_ADMIN, 'Made Away Two')]);
	const socket = server.socket(name, session.cookie);
	const refusals: string[] = [];
	socket.on('message', (data: Buffer) => {
		const decoder = decoding.createDecoder(new Uint8Array(data));
		if (decoding.readVarUint(decoder) === messageRefused) {
			refusals.push(decoding.readVarString(decoder));
		}
	});
	await new Promise((resolve) => socket.once('open', resolve));
	socket.send(encodeUpdate(Y.encodeStateAsUpdate(doc, afterFirst)));
	return { session, socket, refusals, everything: Y.encodeStateAsUpdate(doc, before) };
}

const names = (doc: Y.Doc) =>
	(doc.getArray('log').toArray() as { payload: { displayName?: string } }[]).map(
		(e) => e.payload.displayName
	);

beforeAll(async () => {
	t = await startTestServer();
});
afterAll(async () => {
	await t.close();
});

describe('y-websocket interop', () => {
	it('gives a new client the stored document on its first sync', async () => {
		const session = await t.signIn('admin@contoso.example');
		const doc = new Y.Doc();
		const provider = t.provider('customer/wingtip', session, doc);
		await waitForSync(provider);
		const log = doc.getArray('log').toArray() as { type: string }[];
		expect(log[0]?.type).toBe('customer.created');
		expect(log.some((e) => e.type === 'license.assigned')).toBe(true);
		provider.destroy();
	});

	it('makes two WebsocketProvider clients converge on appended events and shared notes', async () => {
		const reseller = await t.signIn('admin@contoso.example');
		const customer = await t.signIn('admin@wingtip.example');
		const a = new Y.Doc();
		const b = new Y.Doc();
		const pa = t.provider('customer/wingtip', reseller, a);
		const pb = t.provider('customer/wingtip', customer, b);
		await Promise.all([waitForSync(pa), waitForSync(pb)]);
		// Appending at once, one may land before the other's acknowledged event: refused with
		// sync_log_not_at_tail, it is appended again at the tail (what the app does).
		rebaseOnRefusal(pa);
		rebaseOnRefusal(pb);

		a.getArray('log').push([tenantUserAdded(CONTOSO_ADMIN, 'From Contoso')]);
		b.getArray('log').push([tenantUserAdded(WINGTIP_ADMIN, 'From Wingtip')]);
		a.getText('notes').insert(0, 'Renewal call on Friday. ');
		b.getText('notes').insert(0, 'Wingtip wants 5 more seats. ');

		await waitFor(
			() =>
				a.getArray('log').length === b.getArray('log').length &&
				a.getText('notes').toString() === b.getText('notes').toString() &&
				a.getText('notes').length > 40,
			5000,
			'convergence'
		);
		expect(Y.encodeStateVector(a)).toEqual(Y.encodeStateVector(b));
		expect(a.getArray('log').toJSON()).toEqual(b.getArray('log').toJSON());
		const names = (a.getArray('log').toArray() as { payload: { displayName?: string } }[]).map(
			(e) => e.payload.displayName
		);
		expect(names).toContain('From Contoso');
		expect(names).toContain('From Wingtip');
		pa.destroy();
		pb.destroy();
	});

	it('relays presence (awareness) to the other client, stamped with the signed-in user', async () => {
		const reseller = await t.signIn('admin@contoso.example');
		const customer = await t.signIn('admin@wingtip.example');
		const pa = t.provider('customer/wingtip', reseller);
		const pb = t.provider('customer/wingtip', customer);
		await Promise.all([waitForSync(pa), waitForSync(pb)]);
		pa.awareness.setLocalStateField('viewing', 'subscriptions');
		await waitFor(
			() => pb.awareness.getStates().get(pa.doc.clientID)?.viewing === 'subscriptions',
			5000,
			'presence'
		);
		const seen = pb.awareness.getStates().get(pa.doc.clientID) as {
			verifiedUser?: { userId: string; orgId: string };
		};
		expect(seen.verifiedUser).toEqual(
			expect.objectContaining({
				userId: 'contoso-admin',
				orgId: 'contoso',
				orgName: 'Contoso IT Services'
			})
		);
		pa.destroy();
		await waitFor(() => !pb.awareness.getStates().has(pa.doc.clientID), 5000, 'presence removal');
		pb.destroy();
	});

	it('keeps a crowded page connected: more viewers than one frame may announce for itself', async () => {
		// The stock client sends every presence change it hears back out, so a newcomer echoes the
		// whole page's presence (here 11 entries, over the 8 one connection may claim as its own).
		const session = await t.signIn('admin@contoso.example');
		const providers: ReturnType<TestServer['provider']>[] = [];
		const closes: number[] = [];
		for (let i = 0; i < 12; i += 1) {
			const provider = t.provider('customer/wingtip', session);
			provider.on('connection-close', (event) => {
				if (event) closes.push(event.code);
			});
			provider.awareness.setLocalStateField('viewing', `tab ${i}`);
			providers.push(provider);
			await waitForSync(provider);
			await waitFor(() => provider.awareness.getStates().size === i + 1, 5000, `tab ${i} sees all`);
		}
		await waitFor(
			() => providers.every((p) => p.awareness.getStates().size === providers.length),
			10_000,
			'everyone sees everyone'
		);
		// Echoes are not claims: nobody's presence was taken over by the one who echoed it.
		const last = providers.at(-1);
		expect(last?.awareness.getStates().get(providers[0]?.doc.clientID ?? 0)?.viewing).toBe('tab 0');
		expect(closes).toEqual([]);
		expect(providers.every((p) => p.wsconnected)).toBe(true);
		for (const provider of providers) provider.destroy();
	});

	it('sends a crowded document’s presence changes together: each viewer hears a few frames, not one per change', async () => {
		// The stock client echoes every presence frame it hears, so one frame per change on a page
		// of N viewers costs N^2 frames each way; changes close together must share frames.
		const sessions = [
			await t.signIn('admin@contoso.example'),
			await t.signIn('admin@wingtip.example')
		];
		const viewers = 40;
		const sockets = Array.from({ length: viewers }, (_, i) =>
			t.socket('customer/wingtip', sessions[i % 2]?.cookie ?? null)
		);
		await Promise.all(
			sockets.map((socket) => new Promise((resolve) => socket.once('open', resolve)))
		);
		const frames = sockets.map(() => 0);
		const heard = sockets.map(() => new Set<number>());
		sockets.forEach((socket, i) => {
			socket.on('message', (data: Buffer) => {
				const decoder = decoding.createDecoder(new Uint8Array(data));
				if (decoding.readVarUint(decoder) !== 1) return;
				frames[i] = (frames[i] ?? 0) + 1;
				const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
				const count = decoding.readVarUint(update);
				for (let e = 0; e < count; e += 1) {
					heard[i]?.add(decoding.readVarUint(update));
					decoding.readVarUint(update);
					decoding.readVarString(update);
				}
			});
		});
		// Every viewer announces itself, a timer tick after the one before: each change comes in a
		// turn of the server's event loop of its own, and all 40 within a few of the 20-40 ms windows
		// of a process with 20 (cluster) or 40 viewers.
		for (const [i, socket] of sockets.entries()) {
			socket.send(presenceFrame([700_000 + i], '{"viewing":"crowd"}'));
			await new Promise((resolve) => setTimeout(resolve, 1));
		}
		await waitFor(
			() => heard.every((clients) => clients.size >= viewers),
			10_000,
			'everyone hears everyone'
		);
		// One frame per change would be 40 frames for each viewer. In a cluster each process has half
		// the viewers, so half the window, and what the other process relays comes in frames of its own.
		expect(Math.max(...frames)).toBeLessThanOrEqual(CLUSTER_MODE ? 20 : 12);
		expect(sockets.every((socket) => socket.readyState === socket.OPEN)).toBe(true);
		for (const socket of sockets) socket.terminate();
	});

	it('keeps a presence id its user’s after they disconnect: another user cannot take it over', async () => {
		const watcher = t.provider('customer/wingtip', await t.signIn('admin@contoso.example'));
		await waitForSync(watcher);
		const viewing = () => watcher.awareness.getStates().get(910_001)?.viewing;
		const owner = await t.signIn('sales@contoso.example');
		const first = t.socket('customer/wingtip', owner.cookie);
		await new Promise((resolve) => first.once('open', resolve));
		first.send(presenceFrame([910_001], '{"viewing":"owner"}', 1));
		await waitFor(() => viewing() === 'owner', 5000, 'the owner’s presence');
		first.terminate();
		await waitFor(() => viewing() === undefined, 5000, 'the owner gone');
		// Another user (the customer's own admin) claims the id with a newer clock: dropped.
		const other = t.socket('customer/wingtip', (await t.signIn('admin@wingtip.example')).cookie);
		await new Promise((resolve) => other.once('open', resolve));
		other.send(presenceFrame([910_001], '{"viewing":"taken over"}', 50));
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(viewing()).toBeUndefined();
		expect(other.readyState).toBe(other.OPEN);
		// The owner's reconnecting client keeps its id.
		const again = t.socket('customer/wingtip', owner.cookie);
		await new Promise((resolve) => again.once('open', resolve));
		again.send(presenceFrame([910_001], '{"viewing":"owner again"}', 60));
		await waitFor(() => viewing() === 'owner again', 5000, 'the owner back');
		other.terminate();
		again.terminate();
		watcher.destroy();
	});

	it('lets one connection announce presence for a few client ids only', async () => {
		const session = await t.signIn('admin@contoso.example');
		const watcher = t.provider('customer/wingtip', session);
		await waitForSync(watcher);
		const socket = t.socket('customer/wingtip', session.cookie);
		await new Promise((resolve) => socket.once('open', resolve));
		const clients = Array.from({ length: 20 }, (_, i) => 900_001 + i);
		socket.send(presenceFrame(clients, '{"viewing":"spam"}'));
		const spam = () =>
			[...watcher.awareness.getStates().values()].filter((s) => s.viewing === 'spam').length;
		await waitFor(() => spam() > 0, 5000, 'the allowed presence');
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(spam()).toBe(8);
		expect(socket.readyState).toBe(socket.OPEN);
		socket.terminate();
		watcher.destroy();
	});

	it('answers sync step 1 with state loaded from the store after the document was unloaded', async () => {
		const session = await t.signIn('admin@contoso.example');
		const first = new Y.Doc();
		const p1 = t.provider('customer/cohowinery', session, first);
		await waitForSync(p1);
		first.getArray('log').push([tenantUserAdded(CONTOSO_ADMIN, 'Stored Before Unload')]);
		const expectedLength = first.getArray('log').length;
		await waitFor(
			() => t.server.registry.peek('customer/cohowinery')?.log.length === expectedLength,
			5000,
			'server applied the update'
		);
		p1.destroy();
		await waitFor(
			() => (t.server.registry.peek('customer/cohowinery')?.peers.size ?? 0) === 0,
			5000
		);
		await t.server.registry.unloadIdle(true);
		const second = new Y.Doc();
		const p2 = t.provider('customer/cohowinery', session, second);
		await waitForSync(p2);
		expect(second.getArray('log').length).toBe(expectedLength);
		p2.destroy();
	});

	it('keeps an edit that arrives before the changes it builds on, until they come', async () => {
		const name = 'customer/cohowinery';
		const { session, socket, refusals, everything } = await editsMadeAway(t, name);
		// The stock client sends its answer to the server's sync step 1 a round trip later.
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(socket.readyState).toBe(socket.OPEN);
		socket.send(encodeUpdate(everything));
		const watcher = t.provider(name, session);
		await waitForSync(watcher);
		await waitFor(
			() => names(watcher.doc).includes('Made Away Two'),
			5000,
			'both edits stored and relayed'
		);
		expect(names(watcher.doc)).toContain('Made Away One');
		expect(refusals).toEqual([]);
		expect(socket.readyState).toBe(socket.OPEN);
		socket.terminate();
		watcher.destroy();
	});

	it('refuses an edit whose missing changes never come, once it has waited for them', async () => {
		const short = await startTestServer({ limits: { incompleteHoldMs: 600 } });
		try {
			const { socket, refusals } = await editsMadeAway(short, 'customer/cohowinery');
			const sent = performance.now();
			const closed = await socketClosed(socket);
			// Held for the whole 600 ms (less a timer's rounding), not refused at once.
			expect(performance.now() - sent).toBeGreaterThan(550);
			expect(closed).toEqual({ code: 4400, reason: 'sync_update_incomplete' });
			expect(refusals.map((r) => (JSON.parse(r) as { code: string }).code)).toEqual([
				'sync_update_incomplete'
			]);
			const stored = (await short.server.registry.get('customer/cohowinery'))?.log.toArray();
			expect(JSON.stringify(stored)).not.toContain('Made Away');
		} finally {
			await short.close();
		}
	});

	it('acknowledges an accepted update once it is stored, with the state vector that covers it', async () => {
		const session = await t.signIn('admin@contoso.example');
		const doc = new Y.Doc();
		const provider = t.provider('customer/litware', session, doc, t.url, { ack: '1' });
		const acks: Map<number, number>[] = [];
		provider.messageHandlers[messageAck] = (_encoder, decoder: decoding.Decoder) => {
			acks.push(Y.decodeStateVector(decoding.readVarUint8Array(decoder)));
		};
		await waitForSync(provider);
		doc.getArray('log').push([tenantUserAdded(CONTOSO_ADMIN, 'Acknowledged')]);
		const clockAfterPush = Y.encodeStateVector(doc);
		const ownClock = Y.decodeStateVector(clockAfterPush).get(doc.clientID) ?? 0;
		await waitFor(
			() => acks.some((sv) => (sv.get(doc.clientID) ?? 0) >= ownClock),
			5000,
			'acknowledgement'
		);
		// Acknowledged means stored: a restart-free reload from the store has the event.
		const stored = (await t.server.registry.get('customer/litware'))?.log.toArray() as {
			payload: { displayName?: string };
		}[];
		expect(stored.some((e) => e.payload.displayName === 'Acknowledged')).toBe(true);
		provider.destroy();
	});
});
