// A small in-process server that speaks the sync contract (y-websocket sync + tiertwo's ack 100/101
// messages and 44xx closes) for the sync client's unit tests. Not the real sync server: it accepts
// or refuses updates by a rule the test gives, so each client behaviour can be provoked, and by the
// real server's tail rule (the log it holds is a prefix that never changes). `/sync` itself is the
// channel (src/lib/protocol/channel.ts): its frames are demultiplexed onto the same per-document
// logic, a close of a document becoming its `closed` frame, and it pushes the test's documents list.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { WebSocketServer, type WebSocket } from 'ws';
import { LOG_KEY } from '$lib/domain/documents';
import {
	decodeFrame,
	encodeControl,
	encodeDocFrame,
	readClientControl,
	type ListedDocument
} from '$lib/protocol/channel';
import { summaryRows } from '$lib/db/read-models/summary';
import { parseDocumentName } from '$lib/domain/documents';
import { createProjector } from '$lib/flows/documents/projection';
import { encodeAck, encodeRefusal, type Refusal } from '$lib/protocol/sync-messages';

export interface ContractServer {
	url: string;
	port: number;
	docs: Map<string, Y.Doc>;
	/** the event ids in a document's log on the server */
	logIds(name: string): string[];
	/** decides each incoming update: null accepts it, 'busy' closes with 1013 (try again later) */
	refuse: (
		name: string,
		newEvents: Array<{ id: string; payload?: unknown }>
	) => Refusal | 'busy' | null;
	/** how long the answer to a client's sync step 1 waits (a busy server); 0: at once */
	stepTwoDelayMs: number;
	/** documents whose connections are closed with 4403 at once */
	forbidden: Set<string>;
	/** true: every connection is closed with 4401 at once (the session cookie is gone) */
	expired: boolean;
	/** closes every open socket of `name` with `code` (on a channel: its `closed` frame) */
	closeAll(name: string, code: number, reason: string): void;
	connections(name: string): number;
	/**
	 * the user's documents, pushed to every channel when it opens and by `pushDocuments` (with each
	 * one's version: how many structs it holds) and noticed to them as `changed` when they change
	 */
	documents: Pick<ListedDocument, 'name' | 'access'>[];
	/** `summaries` asked over channels, by document name (in order) */
	summariesAsked: string[];
	/** answers `summaries` only once the returned function is called (in the order asked) */
	holdSummaries(): () => void;
	/** documents opened over channels since the start, in order */
	opened: string[];
	pushDocuments(): void;
	/** websockets open now (channels and per-document sockets) */
	sockets(): number;
	/** channel sockets open now */
	channels(): number;
	/** channel sockets opened since the start */
	channelsOpened: number;
	/** closes every channel socket with `code` (the app sees every document on it close) */
	closeChannels(code: number, reason: string): void;
	stop(): Promise<void>;
	/** listens again on the same port (after stop) */
	restart(): Promise<void>;
}

function logEntries(doc: Y.Doc): Array<{ id: string }> {
	return doc.getArray<{ id: string }>(LOG_KEY).toArray();
}

/**
 * The real server's tail rule, by event ids: what the log held stays its prefix. A known event
 * gone is a deletion (sync_log_changed); a new one before a known one landed mid-log.
 */
function tailRule(before: readonly string[], after: ReadonlyArray<{ id: string }>): Refusal | null {
	const ids = after.map((entry) => entry.id);
	if (before.every((id, index) => ids[index] === id)) return null;
	if (before.some((id) => !ids.includes(id))) return { code: 'sync_log_changed', eventIds: [] };
	const lastKnown = Math.max(...before.map((id) => ids.indexOf(id)));
	const known = new Set(before);
	return {
		code: 'sync_log_not_at_tail',
		eventIds: ids.slice(0, lastKnown).filter((id) => !known.has(id))
	};
}

/** One document's socket as the per-document logic sees it: a real socket or one on a channel. */
interface DocumentSocket {
	send(message: Uint8Array): void;
	close(code: number, reason: string): void;
	/** the document is open (on a channel: its `opened` frame; a real socket is open already) */
	opened(): void;
	onMessage(handler: (message: Uint8Array) => void): void;
	onClose(handler: () => void): void;
}

function realDocumentSocket(socket: WebSocket): DocumentSocket {
	return {
		send: (message) => socket.send(message),
		close: (code, reason) => socket.close(code, reason),
		opened: () => undefined,
		onMessage: (handler) => socket.on('message', (data: Buffer) => handler(new Uint8Array(data))),
		onClose: (handler) => socket.on('close', handler)
	};
}

export async function startContractServer(port = 0): Promise<ContractServer> {
	const docs = new Map<string, Y.Doc>();
	const sockets = new Map<string, Set<DocumentSocket>>();
	const channels = new Set<WebSocket>();
	const realSockets = new Set<WebSocket>();
	let server: http.Server;
	let wss: WebSocketServer;

	/** `summaries` are answered once this resolves (holdSummaries) */
	let summariesAnswered = Promise.resolve();
	const api: ContractServer = {
		url: '',
		port,
		docs,
		logIds: (name) => logEntries(docs.get(name) ?? new Y.Doc()).map((entry) => entry.id),
		refuse: () => null,
		stepTwoDelayMs: 0,
		forbidden: new Set(),
		expired: false,
		closeAll(name, code, reason) {
			for (const socket of sockets.get(name) ?? []) socket.close(code, reason);
		},
		connections: (name) => sockets.get(name)?.size ?? 0,
		documents: [],
		summariesAsked: [],
		holdSummaries() {
			let release = () => undefined as void;
			summariesAnswered = new Promise<void>((resolve) => (release = resolve));
			return release;
		},
		opened: [],
		pushDocuments() {
			for (const channel of channels) sendDocuments(channel);
		},
		sockets: () => realSockets.size,
		channels: () => channels.size,
		channelsOpened: 0,
		closeChannels(code, reason) {
			for (const channel of channels) channel.close(code, reason);
		},
		stop: () =>
			new Promise<void>((resolve) => {
				for (const socket of realSockets) socket.terminate();
				wss.close();
				server.closeAllConnections();
				server.close(() => resolve());
			}),
		restart: () => listen(api.port)
	};

	function docFor(name: string): Y.Doc {
		let doc = docs.get(name);
		if (!doc) {
			doc = new Y.Doc();
			docs.set(name, doc);
		}
		return doc;
	}

	function lastAt(name: string): string {
		const log = docs.get(name)?.getArray<{ at?: string }>(LOG_KEY);
		return log && log.length > 0 ? (log.get(log.length - 1)?.at ?? '') : '';
	}

	/** A document's version: how many structs it holds (grows with every update that adds any). */
	function versionOf(name: string) {
		const doc = docs.get(name);
		let version = 0;
		if (doc) {
			for (const clock of Y.decodeStateVector(Y.encodeStateVector(doc)).values()) version += clock;
		}
		return { name, version, changedAt: lastAt(name) };
	}

	const watched = new WeakSet<Y.Doc>();

	/** Every change of a listed document, however made, is noticed to every channel. */
	function watch(name: string) {
		const doc = docs.get(name);
		if (!doc || watched.has(doc)) return;
		watched.add(doc);
		doc.on('update', () => {
			if (!api.documents.some((entry) => entry.name === name)) return;
			for (const channel of channels) {
				channel.send(encodeControl({ type: 'changed', documents: [versionOf(name)] }));
			}
		});
	}

	function sendDocuments(channel: WebSocket) {
		for (const entry of api.documents) watch(entry.name);
		const documents = api.documents.map((entry) => ({ ...versionOf(entry.name), ...entry }));
		channel.send(encodeControl({ type: 'documents', documents }));
	}

	function summaryOf(name: string) {
		const ref = parseDocumentName(name);
		const doc = docs.get(name);
		if (!ref || !doc) return { ...versionOf(name), rows: {} };
		const projector = createProjector(ref);
		projector.append(doc.getArray(LOG_KEY).toArray());
		return { name, version: versionOf(name).version, rows: summaryRows(projector.state, name) };
	}

	function onChannel(channel: WebSocket) {
		api.channelsOpened += 1;
		if (api.expired) {
			channel.close(4401, 'auth_session_expired');
			return;
		}
		channels.add(channel);
		const open = new Map<string, { deliver(message: Uint8Array): void; gone(): void }>();
		channel.on('close', () => {
			channels.delete(channel);
			for (const entry of [...open.values()]) entry.gone();
		});
		channel.on('message', (data: Buffer) => {
			const frame = decodeFrame(new Uint8Array(data));
			if (frame.kind === 'doc') {
				open.get(frame.doc)?.deliver(frame.message);
				return;
			}
			const control = readClientControl(frame.control);
			if (!control) {
				channel.close(4400, 'sync_channel_malformed');
				return;
			}
			if (control.type === 'close') {
				open.get(control.doc)?.gone();
				return;
			}
			if (control.type === 'summaries') {
				api.summariesAsked.push(...control.docs);
				const listed = new Set(api.documents.map((entry) => entry.name));
				const summaries = control.docs.filter((name) => listed.has(name)).map(summaryOf);
				void summariesAnswered.then(() =>
					channel.send(encodeControl({ type: 'summaries', summaries }))
				);
				return;
			}
			if (open.has(control.doc)) return;
			const doc = control.doc;
			api.opened.push(doc);
			let messageHandler: (message: Uint8Array) => void = () => undefined;
			const closeHandlers: Array<() => void> = [];
			const gone = () => {
				if (open.get(doc) !== entry) return;
				open.delete(doc);
				for (const handler of closeHandlers) handler();
			};
			const entry = { deliver: (message: Uint8Array) => messageHandler(message), gone };
			open.set(doc, entry);
			onConnection(
				{
					send: (message) => channel.send(encodeDocFrame(doc, message)),
					close: (code, reason) => {
						if (open.get(doc) !== entry) return;
						gone();
						channel.send(encodeControl({ type: 'closed', doc, code, reason }));
					},
					opened: () => channel.send(encodeControl({ type: 'opened', doc })),
					onMessage: (handler) => {
						messageHandler = handler;
					},
					onClose: (handler) => closeHandlers.push(handler)
				},
				doc
			);
		});
		sendDocuments(channel);
	}

	function onConnection(socket: DocumentSocket, name: string) {
		if (api.expired) {
			socket.close(4401, 'auth_session_expired');
			return;
		}
		if (api.forbidden.has(name)) {
			socket.close(4403, 'sync_document_forbidden');
			return;
		}
		const doc = docFor(name);
		watch(name);
		const set = sockets.get(name) ?? new Set();
		sockets.set(name, set);
		set.add(socket);
		socket.opened();
		const relay = (update: Uint8Array, origin: unknown) => {
			if (origin === socket) return;
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			syncProtocol.writeUpdate(encoder, update);
			socket.send(encoding.toUint8Array(encoder));
		};
		doc.on('update', relay);
		socket.onClose(() => {
			doc.off('update', relay);
			set.delete(socket);
		});
		const step1 = encoding.createEncoder();
		encoding.writeVarUint(step1, 0);
		syncProtocol.writeSyncStep1(step1, doc);
		socket.send(encoding.toUint8Array(step1));

		socket.onMessage((data) => {
			const decoder = decoding.createDecoder(data);
			const type = decoding.readVarUint(decoder);
			if (type !== 0) return; // awareness and the rest: not needed here
			const step = decoding.readVarUint(decoder);
			const payload = decoding.readVarUint8Array(decoder);
			if (step === syncProtocol.messageYjsSyncStep1) {
				const answer = () => {
					const encoder = encoding.createEncoder();
					encoding.writeVarUint(encoder, 0);
					syncProtocol.writeSyncStep2(encoder, doc, payload);
					socket.send(encoding.toUint8Array(encoder));
				};
				if (api.stepTwoDelayMs > 0) setTimeout(answer, api.stepTwoDelayMs);
				else answer();
				return;
			}
			// An update (sync step 2 or a live update): look at the events it would add.
			const trial = new Y.Doc();
			Y.applyUpdate(trial, Y.encodeStateAsUpdate(doc));
			const before = logEntries(trial).map((entry) => entry.id);
			const known = new Set(before);
			Y.applyUpdate(trial, payload);
			const after = logEntries(trial);
			const added = after.filter((entry) => !known.has(entry.id));
			const refusal = tailRule(before, after) ?? api.refuse(name, added);
			if (refusal === 'busy') {
				socket.close(1013, 'sync_server_busy');
				return;
			}
			if (refusal) {
				socket.send(encodeRefusal(refusal));
				socket.close(4400, refusal.code);
				return;
			}
			Y.applyUpdate(doc, payload, socket);
			socket.send(encodeAck(Y.encodeStateVector(doc)));
		});
	}

	async function listen(on: number): Promise<void> {
		server = http.createServer((_req, res) => res.writeHead(404).end());
		wss = new WebSocketServer({ server });
		wss.on('connection', (socket, request) => {
			realSockets.add(socket);
			socket.on('close', () => realSockets.delete(socket));
			const path = (request.url ?? '').split('?')[0] ?? '';
			if (path === '/sync') {
				onChannel(socket);
				return;
			}
			const name = decodeURIComponent(path.replace(/^\/sync\//, ''));
			onConnection(realDocumentSocket(socket), name);
		});
		await new Promise<void>((resolve) => server.listen(on, '127.0.0.1', resolve));
		api.port = (server.address() as AddressInfo).port;
		api.url = `ws://127.0.0.1:${api.port}/sync`;
	}

	await listen(port);
	return api;
}
