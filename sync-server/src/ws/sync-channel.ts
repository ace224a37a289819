// One channel websocket (`/sync`): a device's documents over one socket (src/lib/protocol/channel.ts
// is the wire format). Each document opened in it is a SyncConnection as strict as a socket of its
// own; closing one sends a `closed` control frame and leaves the others alone. The channel itself
// is closed only for what is its own: a malformed frame, its rate limits, the session ending.
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import {
	decodeFrame,
	encodeControl,
	encodeDocFrame,
	readClientControl,
	type DocumentSummary,
	type DocumentVersion,
	type ListedDocument,
	type ServerControl
} from '$lib/protocol/channel';
import { tcpSocketOf } from './document-socket.js';
import {
	Bucket,
	CLOSE_INTERNAL,
	CLOSE_RATE,
	CLOSE_REFUSED,
	CLOSE_TOO_BIG,
	type SyncConnection,
	type SyncTransport
} from './sync-connection.js';

export interface ChannelLimits {
	readonly maxMessageBytes: number;
	readonly maxQueuedUpdates: number;
	readonly maxDocumentsPerChannel: number;
	readonly channelMessagesPerSecond: number;
	readonly channelBytesPerSecond: number;
}

/** Why a document may not be opened: the code and reason its own socket would close with. */
export interface ChannelRefusal {
	readonly code: number;
	readonly reason: string;
}

/** The hub, as a channel of one signed-in viewer uses it. */
export interface ChannelHost {
	/**
	 * Decides as the upgrade of `/sync/<name>` would; accepted, and if `wanted()` still holds then,
	 * the document's connection over `transport`, known to the hub and not started yet (null when
	 * no longer wanted).
	 */
	open(
		name: string,
		transport: SyncTransport,
		acknowledges: boolean,
		wanted: () => boolean
	): Promise<SyncConnection | ChannelRefusal | null>;
	/** every document the viewer may open now (what `GET /api/auth/documents` answers) */
	documents(): Promise<readonly ListedDocument[]>;
	/** of `names`, each one the viewer may open now, or null: the list's change in them alone */
	documentsAmong(names: readonly string[]): Promise<ReadonlyMap<string, ListedDocument | null>>;
	/** the list summaries of these documents the viewer may open now (the others are left out) */
	summaries(names: readonly string[]): Promise<readonly DocumentSummary[]>;
}

/** How long a channel waits for more access changes before it sends its document list again. */
export const DOCUMENTS_DEBOUNCE_MS = 50;

/** How many changed documents one `changed` notice names at most (more go in the next ones). */
const CHANGED_PER_NOTICE = 2_000;

/** One document of the channel: waiting for its decision (no connection yet), or open. */
interface ChannelDocument {
	readonly name: string;
	connection: SyncConnection | null;
	/** the client's frames that came before its decision (it need not wait for `opened`) */
	readonly early: Uint8Array[];
	/** closed: nothing more is sent or taken for it */
	ended: boolean;
}

export class SyncChannel {
	readonly sessionId: string;
	readonly userId: string;
	readonly orgId: string;
	readonly #ws: WebSocket;
	readonly #host: ChannelHost;
	readonly #limits: ChannelLimits;
	readonly #log: Logger;
	readonly #documents = new Map<string, ChannelDocument>();
	readonly #messages: Bucket;
	readonly #bytes: Bucket;
	#open = true;
	#alive = true;
	/** the document list last sent (JSON), and its entries by name (null until the first) */
	#listed: string | null = null;
	#entries: ReadonlyMap<string, ListedDocument> | null = null;
	/** what the next list is decided in: the whole list, or these documents */
	#wholeList = true;
	readonly #listChanges = new Set<string>();
	#listTimer: NodeJS.Timeout | null = null;
	#listing: Promise<void> = Promise.resolve();
	/** listed documents changed since the last notice, newest version of each */
	readonly #changed = new Map<string, DocumentVersion>();
	#changedTimer: NodeJS.Timeout | null = null;
	/** summaries are answered one request at a time, in order */
	#summarizing: Promise<void> = Promise.resolve();
	onClosed: (channel: SyncChannel) => void = () => {};

	constructor(
		ws: WebSocket,
		viewer: { readonly sessionId: string; readonly userId: string; readonly orgId: string },
		host: ChannelHost,
		limits: ChannelLimits,
		log: Logger
	) {
		this.#ws = ws;
		this.sessionId = viewer.sessionId;
		this.userId = viewer.userId;
		this.orgId = viewer.orgId;
		this.#host = host;
		this.#limits = limits;
		this.#log = log;
		this.#messages = new Bucket(limits.channelMessagesPerSecond);
		this.#bytes = new Bucket(limits.channelBytesPerSecond);
		ws.on('message', (data, isBinary) => this.#receive(data as Buffer, isBinary));
		ws.on('close', () => this.#ended());
		ws.on('error', () => this.#ended());
		ws.on('pong', () => {
			this.#alive = true;
		});
	}

	get open(): boolean {
		return this.#open;
	}

	/** Whether the document list last sent named `name`. */
	lists(name: string): boolean {
		return this.#entries?.has(name) === true;
	}

	/** Sends the viewer's document list, as the channel's opening. */
	start(): void {
		this.#pushDocuments();
	}

	/**
	 * The viewer's list may have changed, in documents `names` (null: anywhere): it is decided
	 * again in those, or whole, and sent shortly, if it changed. At a distributor's size deciding
	 * the whole list reads every customer's document, so a change in a few decides a few.
	 */
	refreshDocuments(names: readonly string[] | null = null): void {
		if (!this.#open) return;
		if (names === null) this.#wholeList = true;
		else for (const name of names) this.#listChanges.add(name);
		if (this.#listTimer) return;
		this.#listTimer = setTimeout(() => {
			this.#listTimer = null;
			this.#pushDocuments();
		}, DOCUMENTS_DEBOUNCE_MS);
		this.#listTimer.unref();
	}

	/** A listed document changed: the device hears it shortly, with the others that did meanwhile. */
	changed(version: DocumentVersion): void {
		if (!this.#open) return;
		const known = this.#changed.get(version.name);
		if (known && known.version >= version.version) return;
		this.#changed.set(version.name, version);
		if (this.#changedTimer) return;
		this.#changedTimer = setTimeout(() => {
			this.#changedTimer = null;
			const documents = [...this.#changed.values()];
			this.#changed.clear();
			for (let at = 0; at < documents.length; at += CHANGED_PER_NOTICE) {
				this.#control({ type: 'changed', documents: documents.slice(at, at + CHANGED_PER_NOTICE) });
			}
		}, DOCUMENTS_DEBOUNCE_MS);
		this.#changedTimer.unref();
	}

	/** Answers a request for summaries of listed documents (others are not answered at all). */
	#summarize(names: readonly string[]): void {
		const listed = names.filter((name) => this.lists(name));
		this.#summarizing = this.#summarizing
			.then(async () => {
				if (!this.#open) return;
				const summaries = listed.length > 0 ? await this.#host.summaries(listed) : [];
				this.#control({ type: 'summaries', summaries });
			})
			.catch((error: unknown) => this.#log.error({ err: error }, 'summaries failed'));
	}

	#pushDocuments(): void {
		this.#listing = this.#listing
			.then(async () => {
				if (!this.#open) return;
				const previous = this.#entries;
				const whole = this.#wholeList || previous === null;
				const names = [...this.#listChanges];
				this.#wholeList = false;
				this.#listChanges.clear();
				let entries: Map<string, ListedDocument>;
				if (whole) {
					const documents = await this.#host.documents();
					entries = new Map(documents.map((document) => [document.name, document]));
				} else {
					if (names.length === 0) return;
					entries = new Map(previous);
					for (const [name, entry] of await this.#host.documentsAmong(names)) {
						if (entry) entries.set(name, entry);
						else entries.delete(name);
					}
				}
				if (!this.#open) return;
				this.#entries = entries;
				const documents = [...entries.values()];
				const listed = JSON.stringify(documents);
				if (listed === this.#listed) return;
				this.#listed = listed;
				this.#control({ type: 'documents', documents });
			})
			.catch((error: unknown) => {
				// What it was to decide is not lost: the next change decides the whole list.
				this.#wholeList = true;
				this.#log.error({ err: error }, 'document list push failed');
			});
	}

	/** Ends the whole channel (every document in it with it). */
	close(code: number, reason: string): void {
		if (!this.#open) return;
		this.#ws.close(code, reason);
		this.#ended();
	}

	/** For the heartbeat: a client that did not answer the last ping is gone. */
	ping(): void {
		if (!this.#alive) {
			this.#ws.terminate();
			this.#ended();
			return;
		}
		this.#alive = false;
		this.#ws.ping();
	}

	#ended(): void {
		if (!this.#open) return;
		this.#open = false;
		if (this.#listTimer) clearTimeout(this.#listTimer);
		this.#listTimer = null;
		if (this.#changedTimer) clearTimeout(this.#changedTimer);
		this.#changedTimer = null;
		const documents = [...this.#documents.values()];
		this.#documents.clear();
		for (const document of documents) {
			document.ended = true;
			document.connection?.detach();
		}
		this.onClosed(this);
	}

	#send(frame: Uint8Array): void {
		if (this.#open && this.#ws.readyState === this.#ws.OPEN) this.#ws.send(frame);
	}

	#control(control: ServerControl): void {
		this.#send(encodeControl(control));
	}

	#receive(data: Buffer, isBinary: boolean): void {
		if (!this.#open) return;
		if (!this.#messages.take(1) || !this.#bytes.take(data.byteLength)) {
			this.close(CLOSE_RATE, 'sync_rate_limited');
			return;
		}
		let frame;
		try {
			if (!isBinary) throw new TypeError('text frame');
			frame = decodeFrame(data);
		} catch {
			this.close(CLOSE_REFUSED, 'sync_message_malformed');
			return;
		}
		if (frame.kind === 'doc') {
			this.#deliver(frame.doc, frame.message);
			return;
		}
		const control = readClientControl(frame.control);
		if (!control) {
			this.close(CLOSE_REFUSED, 'sync_message_malformed');
			return;
		}
		if (control.type === 'open') this.#openDocument(control.doc, control.ack);
		else if (control.type === 'summaries') this.#summarize(control.docs);
		else {
			const document = this.#documents.get(control.doc);
			if (document) this.#forget(document);
		}
	}

	/** A document's message: to its connection, or kept until it has one. */
	#deliver(name: string, message: Uint8Array): void {
		// Not open: closed by the server before the client heard it, or never opened.
		const document = this.#documents.get(name);
		if (!document) return;
		if (message.byteLength > this.#limits.maxMessageBytes) {
			this.#closeDocument(document, CLOSE_TOO_BIG, 'sync_message_too_large');
			return;
		}
		if (document.connection) {
			document.connection.receive(message);
			return;
		}
		if (document.early.length >= this.#limits.maxQueuedUpdates) {
			this.#closeDocument(document, CLOSE_RATE, 'sync_rate_limited');
			return;
		}
		// Copy: ws may reuse the frame's buffer once this handler returns.
		document.early.push(message.slice());
	}

	#openDocument(name: string, acknowledges: boolean): void {
		// Opened again: the client is done with the one it had (as if it had closed it).
		const previous = this.#documents.get(name);
		if (previous) this.#forget(previous);
		if (this.#documents.size >= this.#limits.maxDocumentsPerChannel) {
			this.#control({
				type: 'closed',
				doc: name,
				code: CLOSE_RATE,
				reason: 'sync_too_many_documents'
			});
			return;
		}
		const document: ChannelDocument = { name, connection: null, early: [], ended: false };
		this.#documents.set(name, document);
		const transport: SyncTransport = {
			send: (message) => {
				if (!document.ended) this.#send(encodeDocFrame(name, message));
			},
			close: (code, reason) => this.#closeDocument(document, code, reason),
			cork: () => tcpSocketOf(this.#ws)?.cork(),
			uncork: () => tcpSocketOf(this.#ws)?.uncork()
		};
		this.#host
			.open(name, transport, acknowledges, () => !document.ended)
			.then(
				(opened) => {
					if (opened === null || document.ended) return;
					if (!('receive' in opened)) {
						this.#closeDocument(document, opened.code, opened.reason);
						return;
					}
					document.connection = opened;
					this.#control({ type: 'opened', doc: name });
					opened.start();
					for (const message of document.early.splice(0)) {
						if (document.ended) break;
						opened.receive(message);
					}
				},
				(error: unknown) => {
					this.#log.error({ err: error, doc: name }, 'channel document open failed');
					this.#closeDocument(document, CLOSE_INTERNAL, 'sync_server_error');
				}
			);
	}

	/**
	 * The server ends one document (a refusal, revoked access, its limits): the client hears
	 * `closed` with the code its own socket would have closed with; the channel stays open.
	 */
	#closeDocument(document: ChannelDocument, code: number, reason: string): void {
		if (document.ended) return;
		const { connection } = document;
		if (connection?.open) {
			// Its connection closes itself (presence, held edits) and comes back here.
			connection.close(code, reason);
			return;
		}
		document.ended = true;
		if (this.#documents.get(document.name) === document) this.#documents.delete(document.name);
		this.#control({ type: 'closed', doc: document.name, code, reason });
	}

	/** The client is done with a document: it goes as a closed socket would, nothing sent. */
	#forget(document: ChannelDocument): void {
		document.ended = true;
		if (this.#documents.get(document.name) === document) this.#documents.delete(document.name);
		document.connection?.detach();
	}
}
