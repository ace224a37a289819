// One document's connection to the sync server (stock y-websocket client, its socket a virtual one on
// the tab's channel): acknowledgements, refusals, expired sessions and lost access, and reconnects
// with backoff and jitter.
import * as decoding from 'lib0/decoding';
import { WebsocketProvider } from 'y-websocket';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { backoffDelay } from './backoff';
import {
	CLOSE_FORBIDDEN,
	CLOSE_REFUSED,
	CLOSE_SESSION_EXPIRED,
	MESSAGE_ACK,
	MESSAGE_REFUSED,
	readAck,
	readRefusal,
	type Refusal
} from '$lib/protocol/sync-messages';

const MESSAGE_SYNC = 0;

export interface ConnectionEvents {
	/** The server has stored everything up to this state vector (its sync step 1, or an ack). */
	acknowledged(serverVector: Map<number, number>): void;
	/** The server refused an update of ours and closed the connection (4400). */
	refused(refusal: Refusal): void;
	/** 4401: refresh the session, then call `connect()`. */
	sessionExpired(): void;
	/** 4403 or another 44xx: the user may not open this document (any more). */
	forbidden(code: number, reason: string): void;
	/** The connection synced (true) or dropped (false). */
	synced?(synced: boolean): void;
}

export interface ConnectionOptions {
	/** e.g. `wss://host/sync` */
	serverUrl: string;
	/** the socket class (the engine gives its channel's `socketClass`) */
	WebSocketPolyfill?: typeof WebSocket;
	random?: () => number;
	/**
	 * Runs `connect` when this document's turn comes (the engine's SyncQueue: a dropped channel
	 * must not reopen every document at once); at once when omitted.
	 */
	admit?: (connect: () => void) => void;
}

export class DocumentConnection {
	readonly provider: WebsocketProvider;
	#events: ConnectionEvents;
	#random: () => number;
	#admit: (connect: () => void) => void;
	#attempt = 0;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#refusal: Refusal | null = null;
	#destroyed = false;
	#retryAtOnce = false;
	/** Closed with 4401: no reconnects until the session is renewed (`retry` or `reconnectNow`). */
	#waitingForSession = false;

	constructor(name: string, doc: Y.Doc, events: ConnectionEvents, options: ConnectionOptions) {
		this.#events = events;
		this.#random = options.random ?? Math.random;
		this.#admit = options.admit ?? ((connect) => connect());
		this.provider = new WebsocketProvider(options.serverUrl, name, doc, {
			connect: false,
			// Each tab keeps its own documents and providers; tabs share IndexedDB instead.
			disableBc: true,
			// The server sends acknowledgements (message 101) only to clients that ask for them.
			params: { ack: '1' },
			// Every close the server or network causes comes to `closed`, where we decide: the stock
			// client's own backoff has no jitter. (Its watchdog's local reconnect keeps the stock one.)
			shouldReconnect: () => false,
			...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {})
		});
		const handlers = this.provider.messageHandlers;
		const sync = handlers[MESSAGE_SYNC];
		handlers[MESSAGE_SYNC] = (encoder, decoder, provider, emitSynced, type) => {
			// The server's sync step 1 carries its stored state vector: an ack for older changes.
			const peek = decoding.clone(decoder);
			if (decoding.readVarUint(peek) === syncProtocol.messageYjsSyncStep1) {
				this.#events.acknowledged(Y.decodeStateVector(decoding.readVarUint8Array(peek)));
			}
			sync?.(encoder, decoder, provider, emitSynced, type);
		};
		handlers[MESSAGE_ACK] = (_encoder, decoder) => this.#events.acknowledged(readAck(decoder));
		handlers[MESSAGE_REFUSED] = (_encoder, decoder) => {
			this.#refusal = readRefusal(decoder);
		};
		// Presence is announced only while a page of this document is open (setPresence).
		this.provider.awareness.setLocalState(null);
		this.provider.on('closed', this.#onClosed);
		this.provider.on('sync', this.#onSync);
	}

	get connected(): boolean {
		return this.provider.wsconnected;
	}

	get synced(): boolean {
		return this.provider.synced;
	}

	connect(): void {
		if (this.#destroyed) return;
		clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#waitingForSession = false;
		this.provider.connect();
	}

	/**
	 * Connect again after the backoff (never a tight loop): the session was renewed after a 4401, or
	 * refused events were rebased (then the caller says how long to wait: its own backoff).
	 */
	retry(delayMs?: number): void {
		if (this.#destroyed) return;
		this.#waitingForSession = false;
		this.#scheduleReconnect(delayMs);
	}

	/** The network (or a session) is back: try now instead of waiting out the backoff. */
	reconnectNow(): void {
		this.#attempt = 0;
		// A connection stopped by 4401 has no timer running: without this it would stay closed.
		if (this.#timer !== undefined || this.#waitingForSession) this.#admit(() => this.connect());
		// An attempt still under way may have started before the network came back: if it fails,
		// retry at once rather than after its backoff.
		else this.#retryAtOnce = !this.connected;
	}

	/** Announces what this tab has open of the document (null: nothing). */
	setPresence(state: { view: string } | null): void {
		if (!this.#destroyed) this.provider.awareness.setLocalState(state);
	}

	/** Calls `listener` with every presence state now and whenever one changes; returns a stop. */
	watchPresence(listener: (states: ReadonlyMap<number, unknown>) => void): () => void {
		const awareness = this.provider.awareness;
		const changed = () => listener(awareness.getStates());
		awareness.on('change', changed);
		changed();
		return () => awareness.off('change', changed);
	}

	/** Resolves once the connection has synced with the server. */
	whenSynced(): Promise<void> {
		if (this.provider.synced) return Promise.resolve();
		return new Promise((resolve) => {
			const onSync = (synced: boolean) => {
				if (!synced) return;
				this.provider.off('sync', onSync);
				resolve();
			};
			this.provider.on('sync', onSync);
		});
	}

	destroy(): void {
		this.#destroyed = true;
		clearTimeout(this.#timer);
		this.provider.off('closed', this.#onClosed);
		this.provider.off('sync', this.#onSync);
		this.provider.destroy();
	}

	#onSync = (synced: boolean): void => {
		if (synced) {
			this.#attempt = 0;
			this.#retryAtOnce = false;
		}
		this.#events.synced?.(synced);
	};

	#onClosed = ({ code, reason }: { code: number; reason: string }): void => {
		this.#events.synced?.(false);
		if (this.#destroyed) return;
		if (code === CLOSE_REFUSED) {
			const refusal = this.#refusal ?? { code: reason || 'error_unexpected', eventIds: [] };
			this.#refusal = null;
			this.#events.refused(refusal);
		} else if (code === CLOSE_SESSION_EXPIRED) {
			this.#waitingForSession = true;
			this.#events.sessionExpired();
		} else if (code === CLOSE_FORBIDDEN || (code > 4400 && code < 4500)) {
			this.#events.forbidden(code, reason);
		} else {
			this.#scheduleReconnect();
		}
	};

	#scheduleReconnect(delayMs?: number): void {
		const delay = this.#retryAtOnce
			? 0
			: (delayMs ?? backoffDelay(this.#attempt++, this.#random()));
		this.#retryAtOnce = false;
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			this.#admit(() => this.connect());
		}, delay);
	}
}
