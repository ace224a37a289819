// The channel (`/sync`, issue 20): one websocket per device carrying every document. Each document
// in it is opened, refused, revoked and checked as its own socket would be, and closing one leaves
// the others syncing; the channel itself ends only for what is its own (session, malformed frames).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import WebSocket from 'ws';
import {
	CHANNEL_PATH,
	decodeFrame,
	encodeControl,
	encodeDocFrame,
	readServerControl,
	type ClientControl,
	type ListedDocument,
	type ServerControl
} from '../../src/lib/protocol/channel';
import { MESSAGE_ACK, MESSAGE_REFUSED } from '../../src/lib/protocol/sync-messages';
import { messageAwareness, messageSync } from '../../sync-server/src/wire-format';
import {
	CONTOSO_ADMIN,
	event,
	startTestServer,
	tenantUserAdded,
	waitFor,
	waitForSync,
	type Session,
	type TestServer
} from './harness';

let t: TestServer;

beforeAll(async () => {
	t = await startTestServer();
});
afterAll(async () => {
	for (const client of clients) client.terminate();
	await t.close();
});

const clients = new Set<ChannelClient>();

/** What one document of a raw channel client has heard. */
interface ClientDocument {
	readonly doc: Y.Doc;
	synced: boolean;
	acks: number;
	readonly refusals: { code: string; eventIds: string[] }[];
	/** every message of the document's the server sent */
	readonly messages: Uint8Array[];
}

/**
 * A channel client as small as the protocol allows (ws, the framing, y-protocols' sync): it answers
 * the server's sync step 1, sends its own edits, and records every frame it hears.
 */
class ChannelClient {
	readonly ws: WebSocket;
	readonly controls: ServerControl[] = [];
	readonly documents = new Map<string, ClientDocument>();
	/** names of documents the server sent a frame for, in arrival order */
	readonly heard: string[] = [];
	readonly closed: Promise<{ code: number; reason: string }>;
	readonly opened: Promise<void>;

	constructor(url: string, session: Session | null, origin: string) {
		this.ws = new WebSocket(url, {
			headers: { ...(session ? { cookie: session.cookie } : {}), origin }
		});
		this.ws.binaryType = 'nodebuffer';
		this.ws.on('error', () => {});
		this.opened = new Promise((resolve) => this.ws.once('open', () => resolve()));
		this.closed = new Promise((resolve) =>
			this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))
		);
		this.ws.on('message', (data: Buffer) => this.#receive(new Uint8Array(data)));
		clients.add(this);
	}

	#receive(frame: Uint8Array): void {
		const decoded = decodeFrame(frame);
		if (decoded.kind === 'control') {
			const control = readServerControl(decoded.control);
			if (!control) throw new Error(`unknown control ${JSON.stringify(decoded.control)}`);
			this.controls.push(control);
			return;
		}
		this.heard.push(decoded.doc);
		const document = this.documents.get(decoded.doc);
		if (!document) return;
		document.messages.push(decoded.message);
		const decoder = decoding.createDecoder(decoded.message);
		const type = decoding.readVarUint(decoder);
		if (type === messageSync) {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, messageSync);
			const step = syncProtocol.readSyncMessage(decoder, encoder, document.doc, this);
			if (step === syncProtocol.messageYjsSyncStep2) document.synced = true;
			if (encoding.length(encoder) > 1) this.sendDoc(decoded.doc, encoding.toUint8Array(encoder));
		} else if (type === MESSAGE_ACK) document.acks += 1;
		else if (type === MESSAGE_REFUSED) {
			document.refusals.push(
				JSON.parse(decoding.readVarString(decoder)) as { code: string; eventIds: string[] }
			);
		} else if (type !== messageAwareness) throw new Error(`unknown message ${type}`);
	}

	send(frame: Uint8Array): void {
		this.ws.send(frame);
	}

	sendDoc(name: string, message: Uint8Array): void {
		this.send(encodeDocFrame(name, message));
	}

	control(control: ClientControl): void {
		this.send(encodeControl(control));
	}

	/** Opens a document and, without waiting for `opened`, sends its sync step 1 and its edits. */
	open(name: string, doc = new Y.Doc()): ClientDocument {
		const document: ClientDocument = { doc, synced: false, acks: 0, refusals: [], messages: [] };
		this.documents.set(name, document);
		this.control({ type: 'open', doc: name, ack: true });
		const step1 = encoding.createEncoder();
		encoding.writeVarUint(step1, messageSync);
		syncProtocol.writeSyncStep1(step1, doc);
		this.sendDoc(name, encoding.toUint8Array(step1));
		doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === this) return;
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, messageSync);
			syncProtocol.writeUpdate(encoder, update);
			this.sendDoc(name, encoding.toUint8Array(encoder));
		});
		return document;
	}

	/** The first control message (from the `from`th on) that `matches`, once it comes. */
	async expectControl(
		matches: (control: ServerControl) => boolean,
		label: string,
		from = 0
	): Promise<ServerControl> {
		let found: ServerControl | undefined;
		await waitFor(
			() => (found = this.controls.slice(from).find(matches)) !== undefined,
			5000,
			label
		);
		return found as ServerControl;
	}

	closedFor(name: string): Promise<ServerControl> {
		return this.expectControl((c) => c.type === 'closed' && c.doc === name, `${name} closed`);
	}

	/** The last document list the server pushed. */
	get listed(): readonly ListedDocument[] | null {
		const lists = this.controls.filter((c) => c.type === 'documents');
		const last = lists.at(-1);
		return last?.type === 'documents' ? last.documents : null;
	}

	async synced(name: string): Promise<ClientDocument> {
		const document = this.documents.get(name);
		if (!document) throw new Error(name);
		await waitFor(() => document.synced, 5000, `${name} synced`);
		return document;
	}

	terminate(): void {
		this.ws.terminate();
	}
}

async function channelOf(email: string | Session): Promise<ChannelClient> {
	const session = typeof email === 'string' ? await t.signIn(email) : email;
	const client = new ChannelClient(
		`${t.url.replace(/^http/, 'ws')}${CHANNEL_PATH}`,
		session,
		t.url
	);
	await client.opened;
	return client;
}

const logOf = (document: ClientDocument) => document.doc.getArray<Record<string, unknown>>('log');

describe('the channel', () => {
	it('syncs several documents over one socket, their frames interleaved', async () => {
		const reseller = await channelOf('admin@contoso.example');
		const names = ['org/contoso', 'customer/wingtip', 'directory'];
		// Each open is followed by its sync step 1 before the next open: frames interleave both ways.
		const documents = names.map((name) => reseller.open(name));
		for (const name of names) await reseller.synced(name);
		for (const name of names) {
			expect(reseller.controls).toContainEqual({ type: 'opened', doc: name });
			const live = await t.server.registry.get(name);
			expect(logOf(reseller.documents.get(name) as ClientDocument).length).toBe(live?.log.length);
		}
		expect(new Set(reseller.heard)).toEqual(new Set(names));
		// A write over the channel reaches a customer's own channel, and is acknowledged.
		const customer = await channelOf('admin@wingtip.example');
		const seen = customer.open('customer/wingtip');
		await customer.synced('customer/wingtip');
		const added = tenantUserAdded(CONTOSO_ADMIN, 'Channel Pat');
		logOf(documents[1] as ClientDocument).push([added]);
		await waitFor(() => (documents[1] as ClientDocument).acks > 0, 5000, 'acknowledged');
		await waitFor(
			() =>
				logOf(seen)
					.toArray()
					.some((e) => e.id === added.id),
			5000,
			'relayed to the customer'
		);
		// And a stock client's write on the same document reaches the channel.
		const stock = t.provider('customer/wingtip', await t.signIn('admin@contoso.example'));
		await waitForSync(stock);
		const fromStock = tenantUserAdded(CONTOSO_ADMIN, 'Stock Pat');
		stock.doc.getArray('log').push([fromStock]);
		await waitFor(
			() =>
				logOf(documents[1] as ClientDocument)
					.toArray()
					.some((e) => e.id === fromStock.id),
			5000,
			'relayed to the channel'
		);
		stock.destroy();
		reseller.terminate();
		customer.terminate();
	});

	it('sends the document list when it opens, as GET /api/auth/documents lists it', async () => {
		const session = await t.signIn('admin@wingtip.example');
		const client = await channelOf(session);
		await client.expectControl((c) => c.type === 'documents', 'documents');
		const response = await fetch(`${t.url}/api/auth/documents`, {
			headers: { cookie: session.cookie }
		});
		const { documents } = (await response.json()) as { documents: ListedDocument[] };
		expect(client.listed).toEqual(documents);
		client.terminate();
	});

	it('refuses a forbidden document alone: nothing of it is sent, the others keep syncing', async () => {
		const client = await channelOf('admin@contoso.example');
		const wingtip = client.open('customer/wingtip');
		const northwind = client.open('org/northwind');
		client.open('org/Contoso');
		expect(await client.closedFor('org/northwind')).toEqual({
			type: 'closed',
			doc: 'org/northwind',
			code: 4403,
			reason: 'sync_document_forbidden'
		});
		expect(await client.closedFor('org/Contoso')).toMatchObject({
			code: 4403,
			reason: 'sync_document_invalid'
		});
		await client.synced('customer/wingtip');
		expect(northwind.messages).toEqual([]);
		expect(client.heard).not.toContain('org/northwind');
		expect(client.controls).not.toContainEqual({ type: 'opened', doc: 'org/northwind' });
		const added = tenantUserAdded(CONTOSO_ADMIN);
		logOf(wingtip).push([added]);
		await waitFor(() => wingtip.acks > 0, 5000, 'acknowledged');
		client.terminate();
	});

	it('closes only the document whose update is refused, after its refusal', async () => {
		const client = await channelOf('admin@contoso.example');
		const directory = client.open('directory');
		const wingtip = client.open('customer/wingtip');
		await client.synced('directory');
		await client.synced('customer/wingtip');
		const forged = event('directory.entryUpdated', CONTOSO_ADMIN, {
			providerId: 'northwind',
			description: 'Forged'
		});
		logOf(directory).push([forged]);
		expect(await client.closedFor('directory')).toMatchObject({
			code: 4400,
			reason: 'sync_read_only'
		});
		expect(directory.refusals).toEqual([{ code: 'sync_read_only', eventIds: [forged.id] }]);
		// Frames the client sends for it now are dropped, and nothing more is sent for it.
		const heardBefore = directory.messages.length;
		logOf(directory).push([event('directory.entryUpdated', CONTOSO_ADMIN, { providerId: 'x' })]);
		const added = tenantUserAdded(CONTOSO_ADMIN);
		logOf(wingtip).push([added]);
		await waitFor(() => wingtip.acks > 0, 5000, 'the other document still acknowledged');
		expect(directory.messages.length).toBe(heardBefore);
		// A malformed message of one document closes that document only.
		client.sendDoc('customer/wingtip', new Uint8Array([0, 9]));
		expect(await client.closedFor('customer/wingtip')).toMatchObject({
			code: 4400,
			reason: 'sync_message_malformed'
		});
		expect(client.ws.readyState).toBe(WebSocket.OPEN);
		// Opened again in the same channel, it syncs again.
		client.open('customer/wingtip');
		await client.synced('customer/wingtip');
		client.terminate();
	});

	it('closes a document whose access is revoked, unlists it, and lists it again once granted', async () => {
		const sales = await channelOf('sales@contoso.example');
		sales.open('org/contoso');
		sales.open('customer/wingtip');
		await sales.synced('org/contoso');
		await sales.synced('customer/wingtip');
		await waitFor(
			() => sales.listed?.some((d) => d.name === 'customer/wingtip') === true,
			5000,
			'listed'
		);
		const admin = t.provider('org/contoso', await t.signIn('admin@contoso.example'));
		await waitForSync(admin);
		const roles = (list: string[]) =>
			event('user.rolesChanged', CONTOSO_ADMIN, { userId: 'contoso-sales', roles: list });
		const pushes = sales.controls.length;
		admin.doc.getArray('log').push([roles(['billingAdmin'])]);
		expect(await sales.closedFor('customer/wingtip')).toEqual({
			type: 'closed',
			doc: 'customer/wingtip',
			code: 4403,
			reason: 'sync_access_revoked'
		});
		await sales.expectControl(
			(c) => c.type === 'documents' && !c.documents.some((d) => d.name === 'customer/wingtip'),
			'unlisted',
			pushes
		);
		expect(sales.ws.readyState).toBe(WebSocket.OPEN);
		expect(sales.controls).not.toContainEqual(
			expect.objectContaining({ type: 'closed', doc: 'org/contoso' })
		);
		const granted = sales.controls.length;
		admin.doc.getArray('log').push([roles(['salesAgent'])]);
		await sales.expectControl(
			(c) => c.type === 'documents' && c.documents.some((d) => d.name === 'customer/wingtip'),
			'listed again',
			granted
		);
		sales.open('customer/wingtip');
		await sales.synced('customer/wingtip');
		admin.destroy();
		sales.terminate();
	});

	it('answers summaries of the documents it lists, and nothing of the others', async () => {
		const reseller = await channelOf('admin@contoso.example');
		await reseller.expectControl((c) => c.type === 'documents', 'documents');
		const listed = reseller.listed?.find((d) => d.name === 'customer/wingtip');
		expect(listed).toBeDefined();
		reseller.control({
			type: 'summaries',
			docs: ['customer/wingtip', 'org/northwind', 'customer/nowhere', 'org/contoso']
		});
		const answer = await reseller.expectControl((c) => c.type === 'summaries', 'summaries');
		if (answer.type !== 'summaries') throw new Error('not summaries');
		expect(answer.summaries.map((summary) => summary.name).sort()).toEqual([
			'customer/wingtip',
			'org/contoso'
		]);
		const wingtip = answer.summaries.find((summary) => summary.name === 'customer/wingtip');
		expect(wingtip?.version).toBe(listed?.version);
		const live = await t.server.registry.get('customer/wingtip');
		expect(wingtip?.rows.customers).toEqual([
			expect.objectContaining({ customerId: 'wingtip', legalName: expect.any(String) })
		]);
		expect(wingtip?.rows.customers?.[0]).toMatchObject({
			legalName:
				live?.projector.state.kind === 'customer' ? live.projector.state.customer?.legalName : ''
		});
		// Only the list tables: nothing of the tenant's users, orders or licenses.
		expect(Object.keys(wingtip?.rows ?? {}).sort()).toEqual(['customerRelationships', 'customers']);
		reseller.terminate();
	});

	it('tells a device when a listed document it does not have open changes, and only that device', async () => {
		const reseller = await channelOf('admin@contoso.example');
		const provider = await channelOf('admin@northwind.example');
		await reseller.expectControl((c) => c.type === 'documents', 'documents');
		await provider.expectControl((c) => c.type === 'documents', 'documents');
		const before = reseller.listed?.find((d) => d.name === 'customer/wingtip')?.version ?? 0;
		const providerLists = provider.listed?.some((d) => d.name === 'customer/wingtip') ?? false;
		const stock = t.provider('customer/wingtip', await t.signIn('admin@contoso.example'));
		await waitForSync(stock);
		stock.doc.getArray('log').push([tenantUserAdded(CONTOSO_ADMIN, 'Noticed Pat')]);
		const notice = await reseller.expectControl(
			(c) => c.type === 'changed' && c.documents.some((d) => d.name === 'customer/wingtip'),
			'changed'
		);
		if (notice.type !== 'changed') throw new Error('not a notice');
		const changed = notice.documents.find((d) => d.name === 'customer/wingtip');
		expect(changed?.version).toBeGreaterThan(before);
		expect(changed?.changedAt).not.toBe('');
		const live = await t.server.registry.get('customer/wingtip');
		await waitFor(
			() =>
				reseller.controls.some(
					(c) =>
						c.type === 'changed' &&
						c.documents.some(
							(d) => d.name === 'customer/wingtip' && d.version === live?.seenThrough
						)
				),
			5000,
			'the stored version'
		);
		if (!providerLists) {
			expect(provider.controls.some((c) => c.type === 'changed')).toBe(false);
		}
		stock.destroy();
		reseller.terminate();
		provider.terminate();
	});

	it('closes the whole channel with 4401 when its session is signed out', async () => {
		const session = await t.signIn('admin@wingtip.example');
		const client = await channelOf(session);
		client.open('customer/wingtip');
		await client.synced('customer/wingtip');
		const response = await fetch(`${t.url}/api/auth/sign-out`, {
			method: 'POST',
			headers: { cookie: session.cookie, origin: t.url }
		});
		expect(response.status).toBe(204);
		expect(await client.closed).toEqual({ code: 4401, reason: 'auth_session_expired' });
	});

	it('closes the whole channel with 4400 on a malformed control message or frame', async () => {
		const badControl = await channelOf('admin@wingtip.example');
		badControl.send(encodeControl({ type: 'delete', doc: 'org/wingtip' } as never));
		expect(await badControl.closed).toEqual({ code: 4400, reason: 'sync_message_malformed' });
		const badFrame = await channelOf('admin@wingtip.example');
		badFrame.send(new Uint8Array([0x80]));
		expect(await badFrame.closed).toEqual({ code: 4400, reason: 'sync_message_malformed' });
		const text = await channelOf('admin@wingtip.example');
		text.ws.send('hello');
		expect(await text.closed).toEqual({ code: 4400, reason: 'sync_message_malformed' });
	});

	it('refuses a channel without a session, or from another site', async () => {
		const url = `${t.url.replace(/^http/, 'ws')}${CHANNEL_PATH}`;
		const anonymous = new ChannelClient(url, null, t.url);
		expect(await anonymous.closed).toEqual({ code: 4401, reason: 'auth_not_signed_in' });
		const foreign = new ChannelClient(
			url,
			await t.signIn('admin@wingtip.example'),
			'https://evil.example'
		);
		expect((await foreign.closed).code).toBe(1006);
	});

	// Last of this server's tests: it ends the demo's Northwind–Contoso partnership.
	it('decides a list again in the documents an access change reached, not whole: the provider loses the reseller’s org document when the partnership ends', async () => {
		// Summed over every instance (a cluster's channels land on either).
		const lists = async () => {
			let whole = 0;
			let changed = 0;
			for (const server of t.servers) {
				const { values } = await server.metrics.documentLists.get();
				for (const { labels, value } of values) {
					if (labels.scope === 'whole') whole += value;
					else if (labels.scope === 'changed') changed += value;
				}
			}
			return { whole, changed };
		};
		const provider = await channelOf('admin@northwind.example');
		await waitFor(
			() => provider.listed?.some((d) => d.name === 'org/contoso') === true,
			5000,
			'the reseller’s org document listed'
		);
		const before = await lists();
		const pushes = provider.controls.length;
		const reseller = t.provider(
			'partnership/northwind/contoso',
			await t.signIn('admin@contoso.example')
		);
		await waitForSync(reseller);
		reseller.doc.getArray('log').push([event('partnership.ended', CONTOSO_ADMIN, {})]);
		await provider.expectControl(
			(c) =>
				c.type === 'documents' &&
				!c.documents.some((d) => d.name === 'org/contoso') &&
				c.documents.some((d) => d.name === 'partnership/northwind/contoso' && d.access === 'read'),
			'unlisted, the partnership read-only',
			pushes
		);
		const after = await lists();
		expect(after.changed).toBeGreaterThan(before.changed);
		expect(after.whole).toBe(before.whole);
		// What it was sent is what a whole list says now.
		const response = await fetch(`${t.url}/api/auth/documents`, {
			headers: { cookie: (await t.signIn('admin@northwind.example')).cookie }
		});
		const { documents } = (await response.json()) as { documents: ListedDocument[] };
		const byName = (list: readonly ListedDocument[]) =>
			list.map((d) => `${d.name} ${d.access}`).sort();
		expect(byName(provider.listed ?? [])).toEqual(byName(documents));
		reseller.destroy();
		provider.terminate();
	});
});

describe('channel limits', () => {
	it('refuses documents past the per-channel limit one by one, and a flood with the whole channel', async () => {
		const limited = await startTestServer({
			limits: { maxDocumentsPerChannel: 2, channelMessagesPerSecond: 100 }
		});
		try {
			const session = await limited.signIn('admin@wingtip.example');
			const client = new ChannelClient(
				`${limited.url.replace(/^http/, 'ws')}${CHANNEL_PATH}`,
				session,
				limited.url
			);
			await client.opened;
			client.open('customer/wingtip');
			client.open('org/wingtip');
			client.open('directory');
			expect(await client.closedFor('directory')).toMatchObject({
				code: 1008,
				reason: 'sync_too_many_documents'
			});
			await client.synced('customer/wingtip');
			await client.synced('org/wingtip');
			// Closing one makes room.
			client.control({ type: 'close', doc: 'org/wingtip' });
			const opened = client.controls.length;
			client.open('directory');
			await client.expectControl(
				(c) => c.type === 'opened' && c.doc === 'directory',
				'opened after a close',
				opened
			);
			// The channel's own rate limit, over all its documents, ends the whole channel.
			for (let i = 0; i < 300; i += 1) client.sendDoc('org/elsewhere', new Uint8Array([3]));
			expect(await client.closed).toEqual({ code: 1008, reason: 'sync_rate_limited' });
		} finally {
			await limited.close();
		}
	});
});

describe('the channel in a cluster', () => {
	it('hears of access changes committed through another process, for documents it does not hold', async () => {
		const committing = t.servers[0] as (typeof t.servers)[number];
		const listening = t.servers.at(-1) as (typeof t.servers)[number];
		const customerId = 'demo-customer-00001';
		const name = `customer/${customerId}`;
		const listed = (c: ServerControl) =>
			c.type === 'documents' && c.documents.some((d) => d.name === name);
		const session = await t.signIn('admin@contoso.example');
		const contoso = new ChannelClient(
			`${listening.url.replace(/^http/, 'ws')}${CHANNEL_PATH}`,
			session,
			listening.url
		);
		await contoso.opened;
		await contoso.expectControl((c) => c.type === 'documents', 'first list');
		expect(contoso.listed?.some((d) => d.name === name)).toBe(false);
		// Nothing the change touches is held by the channel's process (in a cluster, another one).
		await listening.registry.unloadIdle(true);

		// A new customer of Contoso's, created through the first process.
		const granted = contoso.controls.length;
		await committing.seedDemoCustomers(1);
		if (committing !== listening) expect(listening.registry.peek(name)).toBeUndefined();
		await contoso.expectControl(listed, 'the new customer listed', granted);

		// Its relationship with Contoso ended, through the first process again.
		await listening.registry.unloadIdle(true);
		if (committing !== listening) expect(listening.registry.peek(name)).toBeUndefined();
		const state = await committing.registry.current({ kind: 'customer', customerId });
		const relationship =
			state?.kind === 'customer' ? Object.values(state.relationships)[0] : undefined;
		const revoked = contoso.controls.length;
		expect(
			await committing.registry.appendEvents(
				name,
				[
					event('relationship.ended', CONTOSO_ADMIN, {
						relationshipId: relationship?.relationshipId,
						scope: 'all'
					})
				],
				await committing.registry.currentActorOf(CONTOSO_ADMIN)
			)
		).toEqual({ ok: true });
		await contoso.expectControl(
			(c) => c.type === 'documents' && !listed(c),
			'the ended customer unlisted',
			revoked
		);
		contoso.terminate();
	});

	it('hears that a listed document changed through another process', async () => {
		const committing = t.servers[0] as (typeof t.servers)[number];
		const listening = t.servers.at(-1) as (typeof t.servers)[number];
		const session = await t.signIn('admin@contoso.example');
		const contoso = new ChannelClient(
			`${listening.url.replace(/^http/, 'ws')}${CHANNEL_PATH}`,
			session,
			listening.url
		);
		await contoso.opened;
		await contoso.expectControl((c) => c.type === 'documents', 'first list');
		await listening.registry.unloadIdle(true);
		const before = contoso.controls.length;
		expect(
			await committing.registry.appendEvents(
				'customer/wingtip',
				[tenantUserAdded(CONTOSO_ADMIN, 'Cluster Pat')],
				await committing.registry.currentActorOf(CONTOSO_ADMIN)
			)
		).toEqual({ ok: true });
		const stored = (await committing.registry.get('customer/wingtip'))?.seenThrough;
		await contoso.expectControl(
			(c) =>
				c.type === 'changed' &&
				c.documents.some((d) => d.name === 'customer/wingtip' && d.version === stored),
			'changed',
			before
		);
		contoso.terminate();
	});
});
