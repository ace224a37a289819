// Fan-out between the processes of a cluster through Redis pub/sub (REDIS_URL). One channel
// carries, from each process, the updates it stored (each with the sequence number the shared
// store gave it), its peers' presence, the sessions it ended and the access changes it committed
// (once they are in the shared listing index: each process re-decides its own channels' lists). Pub/sub, not streams: PostgreSQL
// is already the durable, ordered log, so the bus only has to be fast. What it may drop (a
// reconnect, a slow subscriber cut off) shows as a gap in a document's sequence numbers, or as
// the reconnect itself, and the registry then reads what it missed from the store.
import { randomBytes } from 'node:crypto';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AccessChange } from '../docs/access-change.js';
import type { DocumentBus } from '../docs/document-registry.js';

const UPDATES = 1;
const AWARENESS = 2;
const SESSIONS_REVOKED = 3;
const ACCESS_CHANGED = 4;

export interface BusHandlers {
	update(name: string, seq: number, update: Uint8Array): void;
	awareness(name: string, update: Uint8Array): void;
	sessionsRevoked(sessionIds: readonly string[]): void;
	accessChanged(change: AccessChange): void;
	/** the subscription was lost and is back: messages may have been missed */
	reconnected(): void;
}

export class RedisBus implements DocumentBus {
	/** commands and publishing (also the sign-in limiter's connection) */
	readonly redis: Redis;
	readonly #subscriber: Redis;
	readonly #channel: string;
	readonly #id = randomBytes(8).toString('hex');
	readonly #log: Logger;
	#handlers: BusHandlers | null = null;
	#subscribedOnce = false;
	#lost = false;
	#closed = false;

	private constructor(url: string, channel: string, log: Logger) {
		this.#channel = channel;
		this.#log = log;
		const options = { lazyConnect: true, maxRetriesPerRequest: null, enableAutoPipelining: true };
		this.redis = new Redis(url, options);
		this.#subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
		for (const client of [this.redis, this.#subscriber]) {
			client.on('error', (error: Error) => {
				if (!this.#closed) this.#log.warn({ err: error.message }, 'redis connection error');
			});
		}
		this.#subscriber.on('close', () => {
			if (this.#subscribedOnce && !this.#closed) this.#lost = true;
		});
		this.#subscriber.on('ready', () => {
			if (!this.#lost) return;
			this.#lost = false;
			this.#log.info('redis subscription back: catching up from the store');
			this.#handlers?.reconnected();
		});
		this.#subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
			try {
				this.#receive(message);
			} catch (error) {
				this.#log.warn({ err: error }, 'malformed bus message');
			}
		});
	}

	/** Connects both clients and subscribes; handlers are attached later with `listen`. */
	static async connect(url: string, log: Logger, channel = 'tiertwo:bus'): Promise<RedisBus> {
		const bus = new RedisBus(url, channel, log);
		await Promise.all([bus.redis.connect(), bus.#subscriber.connect()]);
		await bus.#subscriber.subscribe(channel);
		bus.#subscribedOnce = true;
		return bus;
	}

	get id(): string {
		return this.#id;
	}

	listen(handlers: BusHandlers): void {
		this.#handlers = handlers;
	}

	#publish(encoder: encoding.Encoder): void {
		if (this.#closed) return;
		this.redis
			.publish(this.#channel, Buffer.from(encoding.toUint8Array(encoder)))
			.catch((error: unknown) => this.#log.warn({ err: error }, 'bus publish failed'));
	}

	#header(type: number): encoding.Encoder {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, type);
		encoding.writeVarString(encoder, this.#id);
		return encoder;
	}

	publishUpdates(updates: readonly { name: string; seq: number; update: Uint8Array }[]): void {
		if (updates.length === 0) return;
		const encoder = this.#header(UPDATES);
		encoding.writeVarUint(encoder, updates.length);
		for (const { name, seq, update } of updates) {
			encoding.writeVarString(encoder, name);
			encoding.writeVarUint(encoder, seq);
			encoding.writeVarUint8Array(encoder, update);
		}
		this.#publish(encoder);
	}

	publishAwareness(name: string, update: Uint8Array): void {
		const encoder = this.#header(AWARENESS);
		encoding.writeVarString(encoder, name);
		encoding.writeVarUint8Array(encoder, update);
		this.#publish(encoder);
	}

	publishSessionsRevoked(sessionIds: readonly string[]): void {
		const encoder = this.#header(SESSIONS_REVOKED);
		writeStrings(encoder, sessionIds);
		this.#publish(encoder);
	}

	publishAccessChanged(change: AccessChange): void {
		const encoder = this.#header(ACCESS_CHANGED);
		writeStrings(encoder, change.names);
		writeStrings(encoder, change.orgs);
		encoding.writeUint8(encoder, change.anyOrg ? 1 : 0);
		this.#publish(encoder);
	}

	#receive(message: Buffer): void {
		const handlers = this.#handlers;
		if (!handlers) return;
		const decoder = decoding.createDecoder(
			new Uint8Array(message.buffer, message.byteOffset, message.byteLength)
		);
		const type = decoding.readVarUint(decoder);
		const from = decoding.readVarString(decoder);
		if (from === this.#id) return;
		if (type === UPDATES) {
			const count = decoding.readVarUint(decoder);
			for (let i = 0; i < count; i += 1) {
				const name = decoding.readVarString(decoder);
				const seq = decoding.readVarUint(decoder);
				// A copy: the message buffer is not ours to keep.
				const update = decoding.readVarUint8Array(decoder).slice();
				handlers.update(name, seq, update);
			}
		} else if (type === AWARENESS) {
			const name = decoding.readVarString(decoder);
			handlers.awareness(name, decoding.readVarUint8Array(decoder).slice());
		} else if (type === SESSIONS_REVOKED) {
			handlers.sessionsRevoked(readStrings(decoder));
		} else if (type === ACCESS_CHANGED) {
			const names = readStrings(decoder);
			const orgs = readStrings(decoder);
			handlers.accessChanged({ names, orgs, anyOrg: decoding.readUint8(decoder) === 1 });
		}
	}

	/** Disconnects at once (QUIT would wait forever for a Redis that is gone). */
	async close(): Promise<void> {
		this.#closed = true;
		this.#subscriber.disconnect();
		this.redis.disconnect();
	}
}

function writeStrings(encoder: encoding.Encoder, strings: readonly string[]): void {
	encoding.writeVarUint(encoder, strings.length);
	for (const string of strings) encoding.writeVarString(encoder, string);
}

function readStrings(decoder: decoding.Decoder): string[] {
	const strings: string[] = [];
	for (let count = decoding.readVarUint(decoder); count > 0; count -= 1) {
		strings.push(decoding.readVarString(decoder));
	}
	return strings;
}
