// One client on one document: rate limits, frame decoding, sync step answers, presence that may
// only speak for its own clients, and refusals (a `messageRefused` frame, then close 4400). It
// speaks through a transport: the document's own websocket, or its place in a channel.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import {
	applyAwarenessUpdate,
	encodeAwarenessUpdate,
	removeAwarenessStates
} from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CLOSE_REFUSED } from '$lib/protocol/sync-messages';
import type { DocumentRegistry, Verdict } from '../docs/document-registry.js';
import type { LiveDocument, SyncPeer } from '../docs/live-document.js';
import {
	encodeAck,
	encodeAwareness,
	encodeRefused,
	encodeSyncStep1,
	encodeSyncStep2,
	readMessage
} from '../wire-format.js';

export interface ConnectionLimits {
	readonly messagesPerSecond: number;
	readonly bytesPerSecond: number;
	/** updates waiting for their verdict before the connection counts as flooding */
	readonly maxQueuedUpdates: number;
	/** how long an update that builds on changes the server lacks waits for them */
	readonly incompleteHoldMs: number;
	readonly maxMessageBytes: number;
	readonly maxAwarenessStateBytes: number;
	/** presence client ids one connection may announce as its own */
	readonly maxAwarenessEntries: number;
}

export interface ConnectionIdentity {
	readonly accountId: string;
	readonly sessionId: string;
	readonly userId: string;
	readonly orgId: string;
	readonly fullName: string;
	readonly orgName: string;
	readonly address: string;
}

/**
 * Where a connection's messages go: a websocket of its own (`/sync/<name>`), or its document's
 * place in a channel (`/sync`). Whoever owns it hands the client's messages to `receive` and calls
 * `detach` once the client is gone.
 */
export interface SyncTransport {
	/** sends one message (dropped once the transport is closed) */
	send(message: Uint8Array): void;
	/** ends this document's conversation with the client, telling it why */
	close(code: number, reason: string): void;
	/** holds writes to the network until `uncork` (many messages, one system call) */
	cork(): void;
	uncork(): void;
}

export const CLOSE_RATE = 1008;
export const CLOSE_TOO_BIG = 1009;
export const CLOSE_INTERNAL = 1011;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_TRY_AGAIN = 1013;
// The 44xx codes (which stop the stock client's reconnects) are part of the wire format the app reads.
export {
	CLOSE_FORBIDDEN,
	CLOSE_REFUSED,
	CLOSE_SESSION_EXPIRED as CLOSE_UNAUTHENTICATED
} from '$lib/protocol/sync-messages';

/** Token bucket: `rate` per second, bursts up to twice that. */
export class Bucket {
	#tokens: number;
	#last = performance.now();
	constructor(readonly rate: number) {
		this.#tokens = rate * 2;
	}
	take(amount: number): boolean {
		const now = performance.now();
		this.#tokens = Math.min(this.rate * 2, this.#tokens + ((now - this.#last) / 1000) * this.rate);
		this.#last = now;
		this.#tokens -= amount;
		return this.#tokens >= 0;
	}
}

let nextConnectionId = 1;
/** presence states arrive as UTF-8 JSON (decoded as lib0's readVarString would) */
const utf8 = new TextDecoder();

export class SyncConnection implements SyncPeer {
	readonly id = nextConnectionId++;
	readonly accountId: string;
	readonly sessionId: string;
	readonly userId: string;
	readonly orgId: string;
	readonly identity: ConnectionIdentity;
	access: 'read' | 'write';
	readonly live: LiveDocument;
	readonly #transport: SyncTransport;
	readonly #registry: DocumentRegistry;
	readonly #limits: ConnectionLimits;
	readonly #messages: Bucket;
	readonly #bytes: Bucket;
	readonly #ownClients = new Set<number>();
	#queued = 0;
	/**
	 * Edits that build on changes the server does not have yet (see #hold), merged into one update,
	 * since when they wait, and the timer of their next try.
	 */
	#held: { update: Uint8Array; since: number; tries: number; timer: NodeJS.Timeout | null } | null =
		null;
	#open = true;
	/** A refusal is decided and waits to be sent: nothing more of this client is taken. */
	#refusing = false;
	/** the state vector of the client's sync step 1: what it surely has */
	#peerVector: Uint8Array | null = null;
	/** whether this client asked for `messageAck` after each accepted update */
	acknowledges = false;
	onClosed: (connection: SyncConnection) => void = () => {};

	constructor(
		transport: SyncTransport,
		live: LiveDocument,
		identity: ConnectionIdentity,
		access: 'read' | 'write',
		registry: DocumentRegistry,
		limits: ConnectionLimits
	) {
		this.#transport = transport;
		this.live = live;
		this.identity = identity;
		this.accountId = identity.accountId;
		this.sessionId = identity.sessionId;
		this.userId = identity.userId;
		this.orgId = identity.orgId;
		this.access = access;
		this.#registry = registry;
		this.#limits = limits;
		this.#messages = new Bucket(limits.messagesPerSecond);
		this.#bytes = new Bucket(limits.bytesPerSecond);
	}

	get open(): boolean {
		return this.#open;
	}

	/** Sends the server's state vector and current presence, as the protocol's opening. */
	start(): void {
		this.live.peers.add(this);
		this.send(encodeSyncStep1(this.live.doc));
		const states = this.live.awareness.getStates();
		if (states.size > 0) {
			this.send(encodeAwareness(encodeAwarenessUpdate(this.live.awareness, [...states.keys()])));
		}
	}

	send(message: Uint8Array): void {
		if (this.#open) this.#transport.send(message);
	}

	cork(): void {
		this.#transport.cork();
	}

	uncork(): void {
		this.#transport.uncork();
	}

	close(code: number, reason: string): void {
		if (!this.#open) return;
		this.#open = false;
		this.#transport.close(code, reason);
		this.#closed();
	}

	/** The client is gone (its socket closed, or it closed the document in its channel). */
	detach(): void {
		this.#closed();
	}

	#closed(): void {
		this.#open = false;
		if (this.#held?.timer) clearTimeout(this.#held.timer);
		this.#held = null;
		if (!this.live.peers.delete(this)) return;
		const own = [...this.#ownClients].filter(
			(client) => this.live.awarenessOwners.get(client) === this
		);
		for (const client of own) this.live.awarenessOwners.delete(client);
		removeAwarenessStates(this.live.awareness, own, null);
		this.live.lastUsed = Date.now();
		this.onClosed(this);
	}

	/** One message of the client's (`isBinary` false: a text frame, which the protocol has none of). */
	receive(data: Uint8Array, isBinary = true): void {
		if (!this.#open || this.#refusing) return;
		if (!this.#messages.take(1) || !this.#bytes.take(data.byteLength)) {
			this.close(CLOSE_RATE, 'sync_rate_limited');
			return;
		}
		if (!isBinary) {
			this.close(CLOSE_REFUSED, 'sync_message_malformed');
			return;
		}
		try {
			const message = readMessage(data);
			switch (message.type) {
				case 'syncStep1': {
					// Answered from durable state only: a client never receives what a crash could lose.
					const { stateVector } = message;
					this.#peerVector = stateVector;
					this.#registry.whenDurable(() => {
						try {
							this.send(encodeSyncStep2(this.live.doc, stateVector));
						} catch {
							this.close(CLOSE_REFUSED, 'sync_message_malformed');
						}
					});
					return;
				}
				case 'update':
					this.#submit(message.update);
					return;
				case 'awareness':
					this.#presence(message.update);
					return;
				case 'queryAwareness': {
					const clients = [...this.live.awareness.getStates().keys()];
					this.send(encodeAwareness(encodeAwarenessUpdate(this.live.awareness, clients)));
					return;
				}
			}
		} catch {
			this.close(CLOSE_REFUSED, 'sync_message_malformed');
		}
	}

	#submit(update: Uint8Array, held?: { since: number; tries: number }): void {
		if (this.#queued >= this.#limits.maxQueuedUpdates) {
			this.close(CLOSE_RATE, 'sync_rate_limited');
			return;
		}
		this.#queued += 1;
		// Copy: the frame's buffer may be reused by ws once this handler returns.
		const own = held ? update : update.slice();
		this.#registry.submit(this.live, own, this).then(
			(verdict) => {
				this.#queued -= 1;
				if (verdict.ok) {
					if (this.acknowledges) this.send(encodeAck(this.live.doc));
					// What the held edits were waiting for may have been in this one.
					this.#retryHeld();
				} else if (
					verdict.code !== 'sync_update_incomplete' ||
					!this.#hold(own, held ?? { since: performance.now(), tries: 0 })
				) {
					this.#refuse(
						verdict.code === 'sync_update_incomplete'
							? this.#registry.refused(this.live, this, verdict)
							: verdict
					);
				}
			},
			() => {
				this.#queued -= 1;
				this.close(CLOSE_INTERNAL, 'sync_server_error');
			}
		);
	}

	/**
	 * Keeps an update that builds on changes the server does not have, while they may still come:
	 * a reconnecting client sends the edits it makes at once, before its answer to our sync step 1,
	 * which carries what the server lacks (what it had sent a process that crashed before storing
	 * it, say). It is tried again after each accepted update of this connection, and on a backoff
	 * (in a cluster each try reads what the store has), until `incompleteHoldMs` have passed; then
	 * it is refused. False when it may not wait (too long, or too big).
	 */
	#hold(update: Uint8Array, from: { since: number; tries: number }): boolean {
		const now = performance.now();
		const deadline = from.since + this.#limits.incompleteHoldMs;
		if (!this.#open || now >= deadline) return false;
		const held = this.#held;
		const merged = held ? Y.mergeUpdates([held.update, update]) : update;
		if (merged.byteLength > this.#limits.maxMessageBytes) return false;
		if (held?.timer) clearTimeout(held.timer);
		const since = Math.min(from.since, held?.since ?? from.since);
		const tries = Math.max(from.tries, held?.tries ?? 0);
		const delay = Math.min(100 * 2 ** tries, Math.max(0, deadline - now));
		const timer = setTimeout(() => this.#retryHeld(), delay);
		timer.unref();
		this.#held = { update: merged, since, tries, timer };
		return true;
	}

	#retryHeld(): void {
		const held = this.#held;
		if (!held || !this.#open || this.#refusing) return;
		this.#held = null;
		if (held.timer) clearTimeout(held.timer);
		this.#submit(held.update, { since: held.since, tries: held.tries + 1 });
	}

	#refuse(verdict: Exclude<Verdict, { ok: true }>): void {
		if (!this.#open || this.#refusing) return;
		if (verdict.code === 'sync_server_busy') {
			// Not a refusal: the client keeps its changes and sends them again after its backoff.
			this.close(CLOSE_TRY_AGAIN, verdict.code);
			return;
		}
		const refuse = () => {
			this.send(encodeRefused({ code: verdict.code, eventIds: verdict.eventIds }));
			this.close(CLOSE_REFUSED, verdict.code.slice(0, 123));
		};
		if (verdict.code !== 'sync_log_not_at_tail') {
			refuse();
			return;
		}
		// The client's events landed before ones it has not seen: it appends them again after its
		// log's tail, so it must hold the server's tail first. The answer to its sync step 1 may still
		// wait for a commit (or, in a cluster, predate what the decision at the head saw); without
		// this it would rebase onto the same stale tail and be refused again for as long as writes
		// keep the server committing. So, once durable (after that answer, in order): what it lacks
		// since its sync step 1, then the refusal.
		this.#refusing = true;
		this.#registry.whenDurable(() => {
			const vector = this.#peerVector;
			if (vector) {
				try {
					this.send(encodeSyncStep2(this.live.doc, vector));
				} catch {
					// its vector was malformed: the step 1 answer already refused it
				}
			}
			refuse();
		});
	}

	/**
	 * Presence: entries for client ids another connection announced are dropped (the stock client
	 * sends every presence change it hears back out, so a frame may carry the whole page's), as are
	 * stale ones, oversize ones, claims past the few ids one connection may own and claims of an id
	 * another user had here; each state is stamped with the signed-in user so nobody can pose as
	 * someone else.
	 */
	#presence(update: Uint8Array): void {
		const decoder = decoding.createDecoder(update);
		const count = decoding.readVarUint(decoder);
		const encoder = encoding.createEncoder();
		const entries: { client: number; clock: number; state: string }[] = [];
		for (let i = 0; i < count; i += 1) {
			const client = decoding.readVarUint(decoder);
			const clock = decoding.readVarUint(decoder);
			// Read as bytes: most entries are echoes, dropped before their text is decoded.
			const json = decoding.readVarUint8Array(decoder);
			const owner = this.live.awarenessOwners.get(client);
			if ((owner && owner !== this) || json.byteLength > this.#limits.maxAwarenessStateBytes) {
				continue;
			}
			if (!owner) {
				// Not yet this connection's: an echo of presence the server already has (no newer
				// clock), or a claim, of which a connection gets a few.
				const known = this.live.awareness.meta.get(client);
				if (known && known.clock >= clock) continue;
				if (this.#ownClients.size >= this.#limits.maxAwarenessEntries) continue;
			}
			const state: unknown = JSON.parse(utf8.decode(json));
			let stamped = 'null';
			if (state !== null) {
				if (typeof state !== 'object' || Array.isArray(state)) continue;
				stamped = JSON.stringify({
					...state,
					verifiedUser: {
						userId: this.userId,
						orgId: this.orgId,
						fullName: this.identity.fullName,
						orgName: this.identity.orgName
					}
				});
			}
			// A claimed id is bound to this user: one another user had on this document stays
			// theirs after they disconnect (their client reuses it when it reconnects).
			if (!owner && !this.live.bindPresence(client, this.userId)) continue;
			if (!owner && this.access === 'write') {
				// The id is shown to everyone here from now on: it is this writer's before anyone
				// could write under it (what it then writes offline cannot be pre-empted).
				void this.#registry.reserveClient(this.live, client, this.accountId);
			}
			this.live.awarenessOwners.set(client, this);
			this.#ownClients.add(client);
			entries.push({ client, clock, state: stamped });
		}
		if (entries.length === 0) return;
		encoding.writeVarUint(encoder, entries.length);
		for (const entry of entries) {
			encoding.writeVarUint(encoder, entry.client);
			encoding.writeVarUint(encoder, entry.clock);
			encoding.writeVarString(encoder, entry.state);
		}
		applyAwarenessUpdate(this.live.awareness, encoding.toUint8Array(encoder), this);
	}
}
