import * as Y from 'yjs';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOG_KEY } from '$lib/domain/documents';
import type { ListedDocument } from '$lib/protocol/channel';
import { DocumentConnection } from '$lib/sync/document-connection';
import { SyncChannel } from '$lib/sync/sync-channel';
import { startContractServer, type ContractServer } from './contract-server';

let server: ContractServer;
let channels: SyncChannel[] = [];
let connections: DocumentConnection[] = [];

/** What happened to one document's connection. */
interface Watched {
	doc: Y.Doc;
	connection: DocumentConnection;
	closes: number[];
	sessionExpired: number;
}

function channel(
	options: { WebSocketImpl?: typeof globalThis.WebSocket; idleCloseMs?: number } = {}
) {
	const created = new SyncChannel(server.url, {
		WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
		...options
	});
	channels.push(created);
	return created;
}

function open(on: SyncChannel, name: string): Watched {
	const doc = new Y.Doc();
	const watched: Watched = { doc, connection: undefined as never, closes: [], sessionExpired: 0 };
	const connection = new DocumentConnection(
		name,
		doc,
		{
			acknowledged: () => undefined,
			refused: () => watched.closes.push(4400),
			sessionExpired: () => {
				watched.sessionExpired += 1;
				watched.closes.push(4401);
			},
			forbidden: (code) => watched.closes.push(code)
		},
		{ serverUrl: server.url, WebSocketPolyfill: on.socketClass }
	);
	connection.provider.on('connection-close', (event: { code: number } | null) => {
		if (event && event.code < 4400) {
			watched.closes.push(event.code);
		}
	});
	watched.connection = connection;
	connections.push(connection);
	connection.connect();
	return watched;
}

function write(watched: Watched, text: string): void {
	watched.doc.getText('notes').insert(0, text);
}

function onServer(name: string): string {
	return server.docs.get(name)?.getText('notes').toString() ?? '';
}

async function until(condition: () => boolean, what: string): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

beforeEach(async () => {
	server = await startContractServer();
});

afterEach(async () => {
	for (const connection of connections) connection.destroy();
	for (const created of channels) created.destroy();
	connections = [];
	channels = [];
	await server.stop();
});

/** A held channel with no backoff jitter that counts the real sockets it makes. */
function countingChannel(): { tab: SyncChannel; made: () => number } {
	let made = 0;
	class Counted extends WebSocket {
		constructor(url: string) {
			super(url);
			made += 1;
		}
	}
	const tab = new SyncChannel(server.url, {
		WebSocketImpl: Counted as unknown as typeof globalThis.WebSocket,
		random: () => 0
	});
	channels.push(tab);
	tab.hold();
	return { tab, made: () => made };
}

describe('sync channel', () => {
	it('carries documents interleaved on one socket, each synced as on its own socket', async () => {
		const tab = channel();
		const a = open(tab, 'customer/a');
		const b = open(tab, 'customer/b');
		await until(() => a.connection.synced && b.connection.synced, 'both synced');
		for (let round = 0; round < 5; round++) {
			write(a, `a${round}`);
			write(b, `b${round}`);
		}
		await until(() => onServer('customer/a').length === 10, 'a written');
		await until(() => onServer('customer/b').length === 10, 'b written');
		expect(onServer('customer/a')).toBe('a4a3a2a1a0');
		expect(onServer('customer/b')).toBe('b4b3b2b1b0');
		expect(server.sockets()).toBe(1);
		expect(server.connections('customer/a')).toBe(1);
	});

	it('closes a refused or forbidden document alone: the others stay open and syncing', async () => {
		server.forbidden.add('customer/forbidden');
		server.refuse = (name, events) =>
			name === 'customer/refused' && events.length > 0 ? { code: 'x', eventIds: [] } : null;
		const tab = channel();
		const kept = open(tab, 'customer/kept');
		const forbidden = open(tab, 'customer/forbidden');
		const refused = open(tab, 'customer/refused');
		await until(() => forbidden.closes.includes(4403), 'forbidden closed with 4403');
		await until(() => kept.connection.synced && refused.connection.synced, 'others synced');
		refused.doc.getArray(LOG_KEY).push([{ id: 'e1' }]);
		await until(() => refused.closes.includes(4400), 'refused closed with 4400');
		write(kept, 'still here');
		await until(() => onServer('customer/kept') === 'still here', 'kept document synced');
		expect(kept.closes).toEqual([]);
		expect(server.channelsOpened).toBe(1);
	});

	it('closes every document when the socket drops; they come back over one new socket', async () => {
		const tab = channel();
		const a = open(tab, 'customer/a');
		const b = open(tab, 'customer/b');
		await until(() => a.connection.synced && b.connection.synced, 'both synced');
		server.closeChannels(1012, 'restart');
		await until(() => a.closes.includes(1006) && b.closes.includes(1006), 'both closed (1006)');
		await until(() => a.connection.synced && b.connection.synced, 'both synced again');
		write(a, 'after');
		await until(() => onServer('customer/a') === 'after', 'a synced after the drop');
		expect(server.channelsOpened).toBe(2);
		expect(server.sockets()).toBe(1);
	});

	it('closes every document with 4401 when the server ends the session on the channel', async () => {
		const tab = channel();
		let expiredHeard = 0;
		tab.onSessionExpired(() => (expiredHeard += 1));
		const a = open(tab, 'customer/a');
		const b = open(tab, 'customer/b');
		await until(() => a.connection.synced && b.connection.synced, 'both synced');
		server.closeChannels(4401, 'auth_session_expired');
		await until(() => a.sessionExpired === 1 && b.sessionExpired === 1, 'both told 4401');
		expect(expiredHeard).toBe(1);
		// Session renewed: a document opening again opens a new socket (with the new cookie).
		a.connection.retry(0);
		b.connection.retry(0);
		await until(() => a.connection.synced && b.connection.synced, 'both synced again');
		expect(server.channelsOpened).toBe(2);
		expect(server.sockets()).toBe(1);
	});

	it('hears the documents list when the channel opens and whenever the server pushes it', async () => {
		server.documents = [{ name: 'customer/a', access: 'write' }];
		const tab = channel();
		const lists: Array<readonly ListedDocument[]> = [];
		tab.onDocuments((documents) => lists.push(documents));
		const release = tab.hold();
		await until(() => lists.length === 1, 'the first list');
		server.documents = [{ name: 'customer/b', access: 'read' }];
		server.pushDocuments();
		await until(() => lists.length === 2, 'the pushed list');
		expect(lists).toEqual([
			[{ name: 'customer/a', access: 'write', version: 0, changedAt: '' }],
			[{ name: 'customer/b', access: 'read', version: 0, changedAt: '' }]
		]);
		release();
	});

	it('keeps one socket for 200 documents', async () => {
		const tab = channel();
		const opened = Array.from({ length: 200 }, (_, index) => open(tab, `customer/c${index}`));
		await until(() => opened.every((watched) => watched.connection.synced), 'all synced');
		write(opened[199]!, 'last');
		await until(() => onServer('customer/c199') === 'last', 'the last one written');
		expect(server.sockets()).toBe(1);
		expect(server.channelsOpened).toBe(1);
	});

	it('closes the socket a moment after the last document closes', async () => {
		const tab = channel({ idleCloseMs: 50 });
		const a = open(tab, 'customer/a');
		await until(() => a.connection.synced, 'synced');
		a.connection.destroy();
		await until(() => server.channels() === 0, 'channel closed');
		expect(server.connections('customer/a')).toBe(0);
	});

	it('tries once at once when the server answers over HTTP, and keeps backing off if that fails', async () => {
		await server.stop();
		const { tab, made } = countingChannel();
		// Backoff with no jitter: 250, 500, 1000, 2000 ms after each failed attempt.
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		const before = made();
		tab.retrySoon();
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(made()).toBe(before + 1);
		// That failure counts: the next attempt waits the longer backoff, not the first one.
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect(made()).toBe(before + 1);
		await server.restart();
		tab.retrySoon();
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(made()).toBe(before + 2);
	});

	it('does not reopen the socket in a tight loop while the server is down', async () => {
		await server.stop();
		const { made } = countingChannel();
		// Backoff with no jitter: 250, 500, 1000 ms after the first attempt.
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		expect(made()).toBeGreaterThanOrEqual(2);
		expect(made()).toBeLessThanOrEqual(4);
		await server.restart();
	});
});
