// The tab's one websocket to the sync server, carrying every document (src/lib/protocol/channel.ts).
// Each document's y-websocket provider is handed a virtual socket (`socketClass`) whose bytes travel
// framed with the document's name. The real socket opens when a document (or a hold) needs it, is
// opened again only after a backoff with jitter, and closes a moment after nothing needs it.
import {
	decodeFrame,
	encodeControl,
	encodeDocFrame,
	readServerControl,
	type ClientControl,
	type DocumentSummary,
	type DocumentVersion,
	type ListedDocument
} from '$lib/protocol/channel';
import { CLOSE_SESSION_EXPIRED } from '$lib/protocol/sync-messages';
import { backoffDelay } from './backoff';
import { VirtualSocket, type VirtualSocketHost } from './virtual-socket';

/** A document's socket closed because the channel was lost, as a dropped socket's would. */
export const CLOSE_CHANNEL_LOST = 1006;
/** How long the real socket stays open once nothing needs it (a reconnect burst reuses it). */
const IDLE_CLOSE_MS = 1_000;

export interface SyncChannelOptions {
	/** the real socket's class (default: the global WebSocket) */
	WebSocketImpl?: typeof WebSocket;
	random?: () => number;
	idleCloseMs?: number;
}

export class SyncChannel {
	/** The WebSocket class for a document's provider: each instance is that document on the channel. */
	readonly socketClass: typeof WebSocket;
	readonly #url: URL;
	readonly #options: SyncChannelOptions;
	#socket: WebSocket | null = null;
	#socketOpen = false;
	/** Whether the current real socket has heard from the server (then it was not a failed open). */
	#heard = false;
	#lastHeard = -Infinity;
	/** The documents' sockets open or opening, by document. */
	readonly #sockets = new Map<string, VirtualSocket>();
	#holds = 0;
	/** Attempts in a row to open the real socket that ended before the server said anything. */
	#failures = 0;
	/** The next real socket is not opened before this time (the backoff of the last failure). */
	#notBefore = 0;
	#retryTimer: ReturnType<typeof setTimeout> | undefined;
	#idleTimer: ReturnType<typeof setTimeout> | undefined;
	/** Closed with 4401: reopened by a document opening again or `reconnectNow()`, not by a hold. */
	#waitingForSession = false;
	#destroyed = false;
	readonly #documentListeners = new Set<(documents: readonly ListedDocument[]) => void>();
	readonly #sessionListeners = new Set<() => void>();
	readonly #changedListeners = new Set<(documents: readonly DocumentVersion[]) => void>();
	readonly #summaryListeners = new Set<(summaries: readonly DocumentSummary[]) => void>();
	readonly #openListeners = new Set<() => void>();
	readonly #lostListeners = new Set<() => void>();

	constructor(url: string, options: SyncChannelOptions = {}) {
		this.#url = new URL(url);
		this.#options = options;
		const host: VirtualSocketHost = {
			parse: (socketUrl) => this.#parse(socketUrl),
			opening: (socket) => this.#opening(socket),
			send: (socket, message) => this.#sendFrame(encodeDocFrame(socket.doc, message)),
			closing: (socket) => this.#closing(socket)
		};
		this.socketClass = class extends VirtualSocket {
			constructor(socketUrl: string | URL) {
				super(host, socketUrl);
			}
		} as unknown as typeof WebSocket;
	}

	/** When a frame last came from the server (`performance.now()`; -Infinity before the first). */
	get lastHeard(): number {
		return this.#lastHeard;
	}

	/** Keeps the real socket open (reopening it after drops) until the returned release is called. */
	hold(): () => void {
		this.#holds += 1;
		this.#connect();
		let held = true;
		return () => {
			if (!held) return;
			held = false;
			this.#holds -= 1;
			this.#closeWhenIdle();
		};
	}

	/** The network (or the session) is back: open the real socket now, not after its backoff. */
	reconnectNow(): void {
		this.#failures = 0;
		this.#notBefore = 0;
		this.#waitingForSession = false;
		clearTimeout(this.#retryTimer);
		this.#retryTimer = undefined;
		if (this.#needed()) this.#connect();
	}

	/**
	 * The server answered over HTTP while the socket is down and waiting out its backoff (only the
	 * websocket is cut, say): try once now. Failures keep counting, so a socket the server still
	 * refuses is not tried more often than this is called (the heartbeat's 10 s).
	 */
	retrySoon(): void {
		if (this.#socket || this.#retryTimer === undefined || this.#waitingForSession) return;
		clearTimeout(this.#retryTimer);
		this.#retryTimer = undefined;
		this.#notBefore = 0;
		if (this.#needed()) this.#connect();
	}

	/** Hears every `documents` push (the user's full document list); returns the unsubscribe. */
	onDocuments(listener: (documents: readonly ListedDocument[]) => void): () => void {
		this.#documentListeners.add(listener);
		return () => this.#documentListeners.delete(listener);
	}

	/** Hears every `changed` notice (listed documents that changed); returns the unsubscribe. */
	onChanged(listener: (documents: readonly DocumentVersion[]) => void): () => void {
		this.#changedListeners.add(listener);
		return () => this.#changedListeners.delete(listener);
	}

	/**
	 * Hears each new real socket opening (what was asked on the last one is not answered any more);
	 * returns the unsubscribe.
	 */
	onOpen(listener: () => void): () => void {
		this.#openListeners.add(listener);
		return () => this.#openListeners.delete(listener);
	}

	/**
	 * Hears the real socket closing or failing to open other than by this side's choice or the
	 * session's end (the server went away, or the network); returns the unsubscribe.
	 */
	onLost(listener: () => void): () => void {
		this.#lostListeners.add(listener);
		return () => this.#lostListeners.delete(listener);
	}

	/** Hears the summaries the server answers `askSummaries` with; returns the unsubscribe. */
	onSummaries(listener: (summaries: readonly DocumentSummary[]) => void): () => void {
		this.#summaryListeners.add(listener);
		return () => this.#summaryListeners.delete(listener);
	}

	/**
	 * Asks for the list summaries of listed documents (at most MAX_SUMMARIES_ASKED): false when the
	 * channel is not open (ask again once a list arrives on the next one).
	 */
	askSummaries(docs: readonly string[]): boolean {
		if (!this.#socketOpen || docs.length === 0) return false;
		this.#control({ type: 'summaries', docs });
		return true;
	}

	/** Hears the server closing the whole channel with 4401; returns the unsubscribe. */
	onSessionExpired(listener: () => void): () => void {
		this.#sessionListeners.add(listener);
		return () => this.#sessionListeners.delete(listener);
	}

	destroy(): void {
		this.#destroyed = true;
		this.#documentListeners.clear();
		this.#sessionListeners.clear();
		this.#changedListeners.clear();
		this.#summaryListeners.clear();
		this.#openListeners.clear();
		this.#lostListeners.clear();
		this.#closeSocket();
		const sockets = [...this.#sockets.values()];
		this.#sockets.clear();
		for (const socket of sockets) socket.closed(CLOSE_CHANNEL_LOST, 'sync_channel_destroyed');
	}

	#parse(socketUrl: string): { doc: string; ack: boolean } {
		const url = new URL(socketUrl);
		const prefix = `${this.#url.pathname.replace(/\/$/, '')}/`;
		if (url.host !== this.#url.host || !url.pathname.startsWith(prefix)) {
			throw new TypeError(`not a document of the channel ${this.#url.href}: ${socketUrl}`);
		}
		return {
			doc: decodeURIComponent(url.pathname.slice(prefix.length)),
			ack: url.searchParams.get('ack') === '1'
		};
	}

	#opening(socket: VirtualSocket): void {
		if (this.#destroyed) {
			queueMicrotask(() => socket.closed(CLOSE_CHANNEL_LOST, 'sync_channel_destroyed'));
			return;
		}
		// One socket per document: a provider's new socket replaces its old one.
		this.#sockets.get(socket.doc)?.close();
		this.#sockets.set(socket.doc, socket);
		this.#waitingForSession = false;
		clearTimeout(this.#idleTimer);
		this.#idleTimer = undefined;
		if (this.#socketOpen) this.#control({ type: 'open', doc: socket.doc, ack: socket.ack });
		else this.#connect();
	}

	#closing(socket: VirtualSocket): void {
		if (this.#sockets.get(socket.doc) !== socket) return;
		this.#sockets.delete(socket.doc);
		if (this.#socketOpen) this.#control({ type: 'close', doc: socket.doc });
		this.#closeWhenIdle();
	}

	#needed(): boolean {
		return this.#sockets.size > 0 || (this.#holds > 0 && !this.#waitingForSession);
	}

	/** Opens the real socket unless it is open, opening, or waiting out its backoff. */
	#connect(): void {
		clearTimeout(this.#idleTimer);
		this.#idleTimer = undefined;
		if (this.#destroyed || this.#socket || this.#retryTimer !== undefined) return;
		const wait = this.#notBefore - Date.now();
		if (wait > 0) {
			this.#retryTimer = setTimeout(() => {
				this.#retryTimer = undefined;
				if (this.#needed()) this.#connect();
			}, wait);
			return;
		}
		const WebSocketImpl = this.#options.WebSocketImpl ?? globalThis.WebSocket;
		let socket: WebSocket;
		try {
			socket = new WebSocketImpl(this.#url.href);
		} catch {
			// A socket that cannot even be made is one more failed attempt (after its backoff).
			this.#lost(CLOSE_CHANNEL_LOST, 'sync_channel_unavailable');
			return;
		}
		socket.binaryType = 'arraybuffer';
		this.#socket = socket;
		this.#socketOpen = false;
		this.#heard = false;
		socket.onopen = () => {
			if (this.#socket !== socket) return;
			this.#socketOpen = true;
			for (const listener of this.#openListeners) listener();
			for (const open of this.#sockets.values()) {
				this.#control({ type: 'open', doc: open.doc, ack: open.ack });
			}
		};
		socket.onmessage = (event: MessageEvent) => {
			if (this.#socket === socket) this.#receive(event.data);
		};
		socket.onclose = (event: CloseEvent) => {
			if (this.#socket === socket) this.#lost(event.code, event.reason);
		};
		// The close that follows an error says what happened.
		socket.onerror = () => undefined;
	}

	#receive(data: unknown): void {
		const bytes =
			data instanceof ArrayBuffer
				? new Uint8Array(data)
				: ArrayBuffer.isView(data)
					? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
					: null;
		if (!bytes) return;
		this.#heard = true;
		this.#lastHeard = performance.now();
		this.#failures = 0;
		let frame: ReturnType<typeof decodeFrame>;
		try {
			frame = decodeFrame(bytes);
		} catch {
			// Not a frame: no document's to give, and the others on the channel are still fine.
			return;
		}
		if (frame.kind === 'doc') {
			this.#sockets.get(frame.doc)?.received(frame.message);
			return;
		}
		const control = readServerControl(frame.control);
		if (!control) return;
		if (control.type === 'documents') {
			for (const listener of this.#documentListeners) listener(control.documents);
			return;
		}
		if (control.type === 'changed') {
			for (const listener of this.#changedListeners) listener(control.documents);
			return;
		}
		if (control.type === 'summaries') {
			for (const listener of this.#summaryListeners) listener(control.summaries);
			return;
		}
		const socket = this.#sockets.get(control.doc);
		if (!socket) return;
		if (control.type === 'opened') {
			socket.opened();
			return;
		}
		this.#sockets.delete(control.doc);
		socket.closed(control.code, control.reason);
		this.#closeWhenIdle();
	}

	/** The real socket closed (or could not open): every document on it closes with it. */
	#lost(code: number, reason: string): void {
		this.#socket = null;
		this.#socketOpen = false;
		const attempt = this.#heard ? 0 : this.#failures;
		this.#failures = attempt + 1;
		this.#notBefore = Date.now() + backoffDelay(attempt, (this.#options.random ?? Math.random)());
		const expired = code === CLOSE_SESSION_EXPIRED;
		if (expired) this.#waitingForSession = true;
		const sockets = [...this.#sockets.values()];
		this.#sockets.clear();
		for (const socket of sockets) {
			socket.closed(expired ? CLOSE_SESSION_EXPIRED : CLOSE_CHANNEL_LOST, reason);
		}
		if (expired) for (const listener of this.#sessionListeners) listener();
		else {
			for (const listener of this.#lostListeners) listener();
			if (this.#needed()) this.#connect();
		}
	}

	#closeWhenIdle(): void {
		if (this.#needed() || this.#idleTimer !== undefined) return;
		if (!this.#socket && this.#retryTimer === undefined) return;
		this.#idleTimer = setTimeout(() => {
			this.#idleTimer = undefined;
			if (!this.#needed()) this.#closeSocket();
		}, this.#options.idleCloseMs ?? IDLE_CLOSE_MS);
	}

	#closeSocket(): void {
		clearTimeout(this.#retryTimer);
		clearTimeout(this.#idleTimer);
		this.#retryTimer = undefined;
		this.#idleTimer = undefined;
		const socket = this.#socket;
		this.#socket = null;
		this.#socketOpen = false;
		if (!socket) return;
		socket.onopen = null;
		socket.onmessage = null;
		socket.onclose = null;
		socket.close(1000);
	}

	#control(control: ClientControl): void {
		this.#sendFrame(encodeControl(control));
	}

	#sendFrame(frame: Uint8Array): void {
		const socket = this.#socket;
		if (this.#socketOpen && socket?.readyState === 1) socket.send(frame);
	}
}
