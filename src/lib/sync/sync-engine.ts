// The signed-in user's documents on this device: opens each one from IndexedDB (offline first),
// connects it to the sync server over the tab's one channel as the server lists it, follows other
// tabs' writes, appends the user's events, tracks what the server has stored, and handles refused
// updates, expired sessions and lost access.
import { liveQuery, type Subscription } from 'dexie';
import * as Y from 'yjs';
import { HybridLogicalClock, isHlcTimestamp } from '$lib/domain/clock';
import { documentName, LOG_KEY } from '$lib/domain/documents';
import type { DomainEvent, EventType, PayloadOf } from '$lib/domain/events';
import { AWAY_SUMMARY_SETTING, LAST_CONTACT_SETTING, type AppDatabase } from '$lib/db/app-database';
import { claimDeviceData } from '$lib/db/device-data';
import { removeDocument } from '$lib/db/document-store';
import type { DocumentAccess, Summary } from '$lib/db/local-records';
import { withRowsInNameOrder, type Unwritten } from '$lib/db/customer-list';
import type { CustomerRow } from '$lib/db/read-models/customers';
import { saveSyncedVersions, writeSummaries } from '$lib/db/summaries';
import { isDelivered, markDelivered, refuseEntries, pendingOf } from '$lib/db/outbox';
import { isUserLive, rolesOf } from '$lib/flows/users/org-queries';
import { checkAppend, type Actor } from '$lib/flows/documents/append-gate';
import { backoffDelay } from './backoff';
import { DocumentConnection } from './document-connection';
import { DocumentReplica } from './document-replica';
import { SyncChannel } from './sync-channel';
import { documentRank, SyncQueue } from './sync-queue';
import { ORPHAN_CLIENT_ID, replayPending } from './pending-replay';
import { peersOn, type Peer } from './presence';
import {
	AWAY_THRESHOLD_MS,
	changesSince,
	mergeSummary,
	stateVectorOf,
	type AwayItem,
	type AwaySummary,
	type StateVector
} from './away';
import {
	MAX_SUMMARIES_ASKED,
	type DocumentSummary,
	type DocumentVersion,
	type ListedDocument
} from '$lib/protocol/channel';
import type { Refusal } from '$lib/protocol/sync-messages';
import { WriteQueue } from './write-queue';

export interface DocumentEntry {
	name: string;
	access: DocumentAccess;
}

export interface SyncUser {
	userId: string;
	orgId: string;
}

export interface SyncEngineOptions {
	db: AppDatabase;
	user: SyncUser;
	/** the channel's websocket endpoint, e.g. `wss://host/sync` (it pushes the documents list) */
	serverUrl: string;
	/** renews the session; false when it is over */
	refreshSession(): Promise<boolean>;
	/**
	 * The server ended the session (4401 and the refresh refused): the user must sign in again.
	 * Pending work stays in the outbox; `reconnect()` (or a new engine) delivers it afterwards.
	 */
	sessionEnded?(): void;
	/** the real socket's class (default: the global WebSocket) */
	WebSocketPolyfill?: typeof WebSocket;
	random?: () => number;
	/** a storage write failed (e.g. the disk is full): nothing saved is lost, the change waits */
	storageFailed?(error: unknown): void;
	storageRecovered?(): void;
	/**
	 * How many of the listed documents have synced since start, of how many (a new device catching
	 * up with a distributor's workspace), and whether the server's list since the channel last
	 * opened is known (until it is, nobody can say the device is up to date), and whether summaries
	 * asked for are still to be answered or written (until they are, a list may lack rows the
	 * server has); called as it changes, at most every PROGRESS_INTERVAL_MS.
	 */
	progress?(synced: number, total: number, listKnown: boolean, summarizing: boolean): void;
	/**
	 * The Customers list's rows of the server's summaries that are not in IndexedDB yet (a new
	 * device writes thousands of rows in seconds, it receives them in one): the list shows them
	 * from memory meanwhile. Called as they change; empty once every summary is written.
	 */
	unwrittenCustomers?(unwritten: Unwritten): void;
	/**
	 * The channel's socket opened (true) or was lost (false): the connection indicator asks the
	 * server at once instead of at its next heartbeat.
	 */
	channelChanged?(open: boolean): void;
	/** the clock (tests) */
	now?: () => number;
	/** how long a document synced in the background stays open afterwards (default LINGER_MS) */
	lingerMs?: number;
	/**
	 * The server's time as this device knows it (its clock corrected by the server's), which new
	 * events are stamped with: the server refuses stamps beyond a small skew of its own clock.
	 */
	serverNow?: () => number;
}

interface PresenceWatch {
	view: string;
	listeners: Set<(peers: Peer[]) => void>;
	/** the people on it as last heard: what a listener that joins later starts from */
	peers: Peer[];
	stop?: () => void;
}

/**
 * `ok: false` with an `eventId`: saved and sent, but not applied (superseded on this device at
 * once); without one: refused before anything was written.
 */
export type AppendResult =
	{ ok: true; eventId: string } | { ok: false; code: string; eventId?: string };

/**
 * The server refused events that Yjs placed before ones it already had: they are not refused work,
 * they are appended again at the tail (see #rebase).
 */
export const LOG_NOT_AT_TAIL_CODE = 'sync_log_not_at_tail';
/** Lost access (4403, or gone from the documents list): pending work is kept aside with this. */
export const NO_ACCESS_CODE = 'data_refused_no_access';
/** While in contact, the time of last contact is saved at most this often. */
const CONTACT_SAVE_INTERVAL_MS = 60_000;

/** Documents connecting at once (the rest wait their turn in the SyncQueue). */
const CONNECTING_AT_ONCE = 24;
const PROGRESS_INTERVAL_MS = 100;
/**
 * How long a document synced in the background stays open after it synced (changes that come in
 * a burst reuse it), before it is closed: it lives in IndexedDB, the server says when it changes.
 */
const LINGER_MS = 2_000;
/**
 * How long background syncs wait for the next batch of the lists' summaries before they start
 * anyway (they start at once when every summary asked is written).
 */
const SUMMARY_WAIT_MS = 5_000;
/** Summaries written in one transaction (the lists' reads wait for it: keep it short). */
const SUMMARY_WRITE_CHUNK = 100;
/** How long an edit waits for the content of a document only summarized on this device. */
const CONTENT_WAIT_MS = 15_000;
/** How often the synced versions are saved at most (one transaction for many documents). */
const VERSIONS_SAVE_MS = 500;
/**
 * Refusals of how an update was written, not of its events: under a client id the server counts as
 * someone else's (one written before the server recorded owners, say), or with structs the app never
 * makes. The rebuilt document has a fresh client id, so its pending events are all sent again.
 */
const WRITING_REFUSALS: ReadonlySet<string> = new Set([
	'sync_client_id_taken',
	'sync_client_id_limit',
	'sync_struct_gc',
	'sync_clock_jump'
]);

export class SyncEngine {
	readonly #options: SyncEngineOptions;
	readonly #db: AppDatabase;
	readonly #queue: WriteQueue;
	readonly #clock: HybridLogicalClock;
	#replicas = new Map<string, DocumentReplica>();
	#opening = new Map<string, Promise<DocumentReplica>>();
	#connections = new Map<string, DocumentConnection>();
	#rebuilding = new Set<string>();
	readonly #channel: SyncChannel;
	#releaseChannel: (() => void) | undefined;
	/** The latest documents list pushed and not applied yet (only the newest one matters). */
	#pendingList: readonly ListedDocument[] | null = null;
	/** The documents of the last list (less those dropped since), with the versions noticed since. */
	#listed = new Map<string, ListedDocument>();
	/** Per document, the server version this device holds all of (docVersions, kept here). */
	#versions = new Map<string, number>();
	/** Versions synced and not saved yet. */
	#unsavedVersions = new Map<string, number>();
	#versionsTimer: ReturnType<typeof setTimeout> | undefined;
	/** Per document, the version of the summary rows written for it (not held here). */
	#summaries = new Map<string, number>();
	/** Summaries asked and not answered yet. */
	#askedSummaries = new Set<string>();
	/** Summaries asked, one batch per request, in the order the server answers them. */
	#summaryBatches: string[][] = [];
	/** Summaries answered and being written. */
	#writingSummaries = 0;
	/** Per document with no rows on this device yet, its Customers list rows being written. */
	#unwrittenCustomers = new Map<string, readonly CustomerRow[]>();
	/** Their rows, in the list's name order (the same array until they change). */
	#unwrittenRows: readonly CustomerRow[] = [];
	/** The documents of the summary write under way (their rows may have landed already). */
	#writingNow: readonly string[] = [];
	/** The last summary write (they run one after another). */
	#summaryWrites: Promise<void> = Promise.resolve();
	/** Called once no summary is asked and unwritten. */
	#summaryWaiters: (() => void)[] = [];
	/** Documents held on this device (a `documents` row), with the access stored. */
	#stored = new Map<string, DocumentAccess>();
	/** Listed documents this device does not hold all of (what catching up still has to sync). */
	#behind = new Set<string>();
	/** Why a document stays open: pages showing it, edits waiting for their ack. */
	#holds = new Map<string, number>();
	/** Documents with edits not acknowledged yet (kept open and connected until they are). */
	#pendingDocs = new Set<string>();
	/** Background syncs asked for and not started yet. */
	#scheduled = new Set<string>();
	#lingerTimers = new Map<string, ReturnType<typeof setTimeout>>();
	/** Documents being closed: opening one again waits until it is. */
	#closing = new Map<string, Promise<void>>();
	#applyingList: Promise<void> | undefined;
	/** Resolves once the documents stored on this device are open (a list is applied after). */
	#storedOpened: Promise<void> | undefined;
	/** A session refresh under way: every document closed with 4401 waits for the same one. */
	#renewing: Promise<boolean> | undefined;
	/** What the server has acknowledged per document (an ack may arrive before its entry is saved). */
	#serverVectors = new Map<string, Map<number, number>>();
	/** Rebases in a row per document (reset once the server stores some of its pending events). */
	#rebases = new Map<string, number>();
	#presence = new Map<string, PresenceWatch>();
	/** Every connect and reconnect waits its turn here. */
	readonly #syncQueue = new SyncQueue({ limit: CONNECTING_AT_ONCE, rank: documentRank });
	#progressTimer: ReturnType<typeof setTimeout> | undefined;
	/** A documents list arrived since the channel last opened (what "up to date" is measured by). */
	#listKnown = false;
	/** Per document, its state when contact was lost (or as stored at start): see away.ts. */
	#baselines = new Map<string, StateVector>();
	#lastContact = 0;
	#contactSavedAt = 0;
	/** Last contact before the current absence; null while every document is in contact. */
	#awaySince: number | null = null;
	readonly #now: () => number;
	#feed: Subscription | undefined;
	#lastSeq = 0;
	#ownSeqs = new Set<number>();
	#stopped = false;

	constructor(options: SyncEngineOptions) {
		this.#options = options;
		this.#db = options.db;
		this.#now = options.now ?? Date.now;
		const random = options.random ?? Math.random;
		this.#channel = new SyncChannel(options.serverUrl, {
			...(options.WebSocketPolyfill ? { WebSocketImpl: options.WebSocketPolyfill } : {}),
			random
		});
		this.#clock = new HybridLogicalClock(
			`d${Math.floor(random() * 2 ** 48)
				.toString(36)
				.padStart(10, '0')}`
		);
		this.#queue = new WriteQueue(options.db, {
			committed: (changes, result) => {
				for (const seq of result.seqs) this.#ownSeqs.add(seq);
				options.storageRecovered?.();
				for (const change of changes) {
					if (change.outbox.length > 0) this.#deliver(change.doc);
				}
			},
			failed: (error) => options.storageFailed?.(error)
		});
	}

	get user(): SyncUser {
		return this.#options.user;
	}

	/**
	 * Opens the documents stored on this device and the channel, whose documents list (pushed when
	 * it opens and whenever it changes) says which ones to sync.
	 */
	start(): Promise<void> {
		this.#channel.onDocuments((documents) => this.#documentsListed(documents));
		this.#channel.onChanged((documents) => this.#documentsChanged(documents));
		this.#channel.onSummaries((summaries) => void this.#summarized(summaries));
		this.#channel.onOpen(() => {
			this.#forgetAskedSummaries();
			this.#options.channelChanged?.(true);
		});
		this.#channel.onLost(() => {
			this.#listKnown = false;
			this.#reportProgress();
			this.#options.channelChanged?.(false);
		});
		this.#channel.onSessionExpired(() => void this.#channelSessionExpired());
		// Open at once, even with no document on the device yet: the first list comes over it.
		this.#releaseChannel = this.#channel.hold();
		this.#reportProgress();
		this.#storedOpened = this.#openStored();
		return this.#storedOpened;
	}

	async #openStored(): Promise<void> {
		const stash = await claimDeviceData(this.#db, this.user.userId);
		if (stash && stash.pending.length > 0) {
			// Their Yjs items were cleared with the other user's data: append them again on sync.
			await this.#db.outbox.bulkPut(
				stash.pending.map((row) => ({ ...row, clientId: ORPHAN_CLIENT_ID, clock: 0 }))
			);
		}
		const lastContact = (await this.#db.settings.get(LAST_CONTACT_SETTING))?.value;
		this.#lastContact = typeof lastContact === 'number' ? lastContact : 0;
		this.#awaySince = this.#lastContact || null;
		this.#lastSeq = ((await this.#db.docUpdates.orderBy('seq').lastKey()) as number) ?? 0;
		this.#feed = liveQuery(() =>
			this.#db.docUpdates.where('seq').above(this.#lastSeq).toArray()
		).subscribe({
			next: (rows) => this.#applyStoredUpdates(rows),
			error: (error: unknown) => this.#options.storageFailed?.(error)
		});
		for (const row of await this.#db.docVersions.toArray()) {
			if (row.synced >= 0) this.#versions.set(row.name, row.synced);
			// Summary rows of an unknown version: asked again, and dropped if it is not listed.
			else this.#summaries.set(row.name, -1);
		}
		await this.#db.documents.each((row) => {
			this.#stored.set(row.name, row.access);
		});
		for (const doc of await this.#db.outbox.orderBy('doc').uniqueKeys()) {
			this.#pendingDocs.add(String(doc));
		}
		// Only what has to be open: the user's org (their roles), the directory, documents with
		// edits waiting. A distributor's other documents stay in IndexedDB until a page, an edit
		// or the server's list (they changed) needs them.
		const needed = [...this.#stored].filter(
			([name]) => this.#pinned(name) || this.#pendingDocs.has(name) || this.#holds.has(name)
		);
		await Promise.all(needed.map(([name, access]) => this.#open(name, access)));
	}

	/** Documents kept open all along: the user's own org (their roles) and the directory. */
	#pinned(name: string): boolean {
		return name === documentName({ kind: 'org', orgId: this.user.orgId }) || name === 'directory';
	}

	stop(): void {
		this.#stopped = true;
		this.#syncQueue.clear();
		clearTimeout(this.#progressTimer);
		for (const timer of this.#lingerTimers.values()) clearTimeout(timer);
		this.#lingerTimers.clear();
		clearTimeout(this.#versionsTimer);
		this.#forgetAskedSummaries();
		this.#unwrittenCustomers.clear();
		this.#unwrittenRows = [];
		this.#reportUnwritten();
		void saveSyncedVersions(this.#db, this.#unsavedVersions).catch(() => undefined);
		this.#feed?.unsubscribe();
		for (const connection of this.#connections.values()) connection.destroy();
		for (const replica of this.#replicas.values()) replica.close();
		this.#connections.clear();
		this.#replicas.clear();
		this.#releaseChannel?.();
		this.#channel.destroy();
	}

	/** Resolves when every change so far is in IndexedDB. */
	settled(): Promise<void> {
		return this.#queue.settled();
	}

	replica(name: string): DocumentReplica | undefined {
		return this.#replicas.get(name);
	}

	connection(name: string): DocumentConnection | undefined {
		return this.#connections.get(name);
	}

	isRebuilding(name: string): boolean {
		return this.#rebuilding.has(name);
	}

	/** Outbox entries not yet in IndexedDB (a failed save), for the export of pending work. */
	unsavedOutbox() {
		return [...this.#replicas.values()].flatMap((replica) => replica.unsavedOutbox);
	}

	/** The server answered a heartbeat: a channel waiting out its backoff tries once now. */
	serverAnswered(): void {
		this.#channel.retrySoon();
	}

	/** The network is back: reconnect now (the channel's list then says what was shared meanwhile). */
	reconnect(): void {
		this.#channel.reconnectNow();
		for (const connection of this.#connections.values()) connection.reconnectNow();
	}

	/**
	 * Announces that this tab has `view` of document `name` open and calls `listener` with the
	 * other people on it (live; empty while offline). Returns the function that leaves the page.
	 */
	watchPresence(name: string, view: string, listener: (peers: Peer[]) => void): () => void {
		// A page of it is open: it is held open and syncs before the documents nobody is looking at.
		const release = this.hold(name);
		const watch = this.#presence.get(name);
		const current: PresenceWatch =
			watch?.view === view ? watch : { view, listeners: new Set(), peers: [] };
		current.listeners.add(listener);
		if (current !== watch) {
			watch?.stop?.();
			this.#presence.set(name, current);
			// Listening first: people already there are in the first report, not lost before it.
			const connection = this.#connections.get(name);
			if (connection) this.#announce(name, connection);
		}
		listener(current.peers);
		return () => {
			release();
			current.listeners.delete(listener);
			if (current.listeners.size > 0 || this.#presence.get(name) !== current) return;
			current.stop?.();
			this.#presence.delete(name);
			this.#connections.get(name)?.setPresence(null);
		};
	}

	#announce(name: string, connection: DocumentConnection): void {
		const watch = this.#presence.get(name);
		if (!watch) return;
		watch.stop?.();
		connection.setPresence({ view: watch.view });
		watch.stop = connection.watchPresence((states) => {
			watch.peers = peersOn(states, watch.view, this.user.userId);
			for (const listener of watch.listeners) listener(watch.peers);
		});
	}

	/**
	 * Keeps document `name` open and live until the returned release is called (a page showing it,
	 * its Notes): it is opened from IndexedDB at once, syncs before the documents nobody is looking
	 * at, and changes reach it as they happen.
	 */
	hold(name: string): () => void {
		this.#holds.set(name, (this.#holds.get(name) ?? 0) + 1);
		this.#syncQueue.want(name);
		this.#cancelLinger(name);
		void this.#bringUp(name).catch(this.#reportStorage);
		let held = true;
		return () => {
			if (!held) return;
			held = false;
			const left = (this.#holds.get(name) ?? 1) - 1;
			if (left > 0) this.#holds.set(name, left);
			else {
				this.#holds.delete(name);
				this.#lingerThenClose(name);
			}
		};
	}

	/**
	 * Opens `name` (listed, or held on this device, or the org's own invitations) and connects it if
	 * it is listed (or the org's own invitations); undefined when it is none of these (not the
	 * user's, or not known yet).
	 */
	async #bringUp(name: string): Promise<DocumentReplica | undefined> {
		await this.#storedOpened;
		const listed = this.#listed.get(name);
		const ownLinks = name === documentName({ kind: 'invitations', orgId: this.user.orgId });
		// Held here, perhaps by another tab since this one started (its list may come a moment later).
		// The org's invitations document exists from its first link on: before that, the server
		// makes it with the first write of one of the org's users, so it is opened to write that.
		const access =
			listed?.access ??
			this.#stored.get(name) ??
			(await this.#db.documents.get(name))?.access ??
			(ownLinks ? 'write' : undefined);
		if (!access || this.#stopped) return undefined;
		const replica = await this.#open(name, access);
		if (this.#stopped || replica.closed) return undefined;
		if (listed && replica.access !== listed.access) {
			replica.access = listed.access;
			this.#queue.saveInBackground(replica);
		}
		if ((listed || ownLinks) && !this.#connections.has(name) && !this.#rebuilding.has(name)) {
			this.#connect(replica);
		}
		return replica;
	}

	/** Why `name` must stay open now (it is not closed while any of these holds). */
	#needsOpen(name: string): boolean {
		return (
			this.#pinned(name) ||
			this.#holds.has(name) ||
			this.#pendingDocs.has(name) ||
			this.#rebuilding.has(name) ||
			this.#scheduled.has(name) ||
			this.#presence.has(name)
		);
	}

	#cancelLinger(name: string): void {
		clearTimeout(this.#lingerTimers.get(name));
		this.#lingerTimers.delete(name);
	}

	/** Closes `name` a moment after nothing needs it open (if nothing does by then). */
	#lingerThenClose(name: string): void {
		if (this.#stopped || this.#needsOpen(name) || this.#lingerTimers.has(name)) return;
		if (!this.#replicas.has(name)) return;
		this.#lingerTimers.set(
			name,
			setTimeout(() => {
				this.#lingerTimers.delete(name);
				void this.#close(name).catch(this.#reportStorage);
			}, this.#options.lingerMs ?? LINGER_MS)
		);
	}

	/**
	 * Closes a document nothing needs open: its connection (the channel tells the server), then,
	 * once everything it received is saved, its Y.Doc. It lives on in IndexedDB; the server's
	 * notices say when it changed (then it is opened again to sync).
	 */
	async #close(name: string): Promise<void> {
		const replica = this.#replicas.get(name);
		const connection = this.#connections.get(name);
		if (!replica || this.#needsOpen(name) || this.#closing.has(name)) return;
		// Still catching up: it lingers again once it synced.
		if (connection && !connection.synced) return;
		const closing = (async () => {
			this.#connections.delete(name);
			connection?.destroy();
			this.#syncQueue.done(name);
			await this.#queue.settled();
			if (this.#needsOpen(name) && !this.#stopped) {
				// Needed again meanwhile (an edit, a page): it stays, and connects again.
				queueMicrotask(() => void this.#bringUp(name).catch(this.#reportStorage));
				return;
			}
			this.#replicas.delete(name);
			replica.close();
			this.#serverVectors.delete(name);
			this.#rebases.delete(name);
			this.#baselines.delete(name);
		})();
		this.#closing.set(name, closing);
		try {
			await closing;
		} finally {
			this.#closing.delete(name);
		}
	}

	/** Syncs `name` in the background when its turn comes (it is behind the server's version). */
	#scheduleSync(name: string): void {
		if (this.#stopped || this.#connections.has(name) || this.#scheduled.has(name)) return;
		this.#scheduled.add(name);
		this.#syncQueue.request(name, () => {
			this.#scheduled.delete(name);
			const connected = this.#connections.has(name);
			void this.#bringUp(name)
				.then((replica) => {
					// No sync of its own to free the slot: nothing to sync, or another one is under way.
					if (!replica || connected) this.#syncQueue.done(name);
				})
				.catch((error: unknown) => {
					this.#syncQueue.done(name);
					this.#reportStorage(error);
				});
		});
	}

	/** This device now holds all of `name` up to `version`. */
	#setVersion(name: string, version: number): void {
		if (version > (this.#versions.get(name) ?? -1)) {
			this.#versions.set(name, version);
			this.#unsavedVersions.set(name, version);
			this.#saveVersionsSoon();
		}
		const listed = this.#listed.get(name);
		if (listed && listed.version <= version && this.#behind.delete(name)) this.#reportProgress();
	}

	/** Saves the versions recorded since the last save, a moment from now, in one transaction. */
	#saveVersionsSoon(): void {
		if (this.#versionsTimer !== undefined) return;
		this.#versionsTimer = setTimeout(() => {
			this.#versionsTimer = undefined;
			const saving = this.#unsavedVersions;
			this.#unsavedVersions = new Map();
			void saveSyncedVersions(this.#db, saving).catch(this.#reportStorage);
		}, VERSIONS_SAVE_MS);
	}

	/** Whether this device holds all of listed document `name` (live, or up to its version). */
	#upToDate(name: string, version: number): boolean {
		return (
			this.#connections.get(name)?.synced === true || (this.#versions.get(name) ?? -1) >= version
		);
	}

	/** Listed documents changed on the server: the ones not open now sync (before catching up). */
	#documentsChanged(changes: readonly DocumentVersion[]): void {
		const summarize: string[] = [];
		for (const change of changes) {
			const listed = this.#listed.get(change.name);
			if (!listed || change.version <= listed.version) continue;
			this.#listed.set(change.name, {
				...listed,
				version: change.version,
				changedAt: change.changedAt || listed.changedAt
			});
			if (this.#upToDate(change.name, change.version)) {
				// Open and in sync: the change itself came over its connection before the notice.
				if (this.#connections.get(change.name)?.synced) {
					this.#setVersion(change.name, change.version);
				}
				continue;
			}
			if (!this.#behind.has(change.name)) {
				this.#behind.add(change.name);
				this.#reportProgress();
			}
			if (!this.#stored.has(change.name)) summarize.push(change.name);
			this.#syncQueue.want(change.name);
			this.#scheduleSync(change.name);
		}
		this.#askSummaries(summarize);
	}

	/** A new socket: nothing asked on the last one will be answered (the next list asks again). */
	#forgetAskedSummaries(): void {
		this.#summaryBatches = [];
		this.#askedSummaries.clear();
		this.#summariesSettled();
	}

	/** A batch was answered (or forgotten): waiters hear of the progress, or that it is done. */
	#summariesSettled(): void {
		if (!this.#summarizing) this.#reportProgress();
		const waiters = this.#summaryWaiters;
		this.#summaryWaiters = [];
		for (const resolve of waiters) resolve();
	}

	/**
	 * Resolves once every summary asked is written (the lists are complete), or once `timeoutMs`
	 * went by without a batch answered (a server that stopped answering): the background sync starts
	 * after them, so it does not hold up the lists' writes.
	 */
	async #whenSummarized(timeoutMs: number): Promise<void> {
		while (this.#summarizing) {
			const progressed = await new Promise<boolean>((resolve) => {
				const timer = setTimeout(() => resolve(false), timeoutMs);
				this.#summaryWaiters.push(() => {
					clearTimeout(timer);
					resolve(true);
				});
			});
			if (!progressed || this.#stopped) return;
		}
	}

	/** Summaries asked and not answered, or answered and being written. */
	get #summarizing(): boolean {
		return this.#summaryBatches.length > 0 || this.#writingSummaries > 0;
	}

	#askSummaries(names: readonly string[]): void {
		const asking = names.filter((name) => !this.#askedSummaries.has(name));
		for (let at = 0; at < asking.length; at += MAX_SUMMARIES_ASKED) {
			const batch = asking.slice(at, at + MAX_SUMMARIES_ASKED);
			if (!this.#channel.askSummaries(batch)) return;
			for (const name of batch) this.#askedSummaries.add(name);
			this.#summaryBatches.push(batch);
		}
		if (asking.length > 0) this.#reportProgress();
	}

	async #summarized(summaries: readonly DocumentSummary[]): Promise<void> {
		// Answered: the oldest batch asked (the server answers in order).
		for (const name of this.#summaryBatches.shift() ?? []) this.#askedSummaries.delete(name);
		this.#writingSummaries += 1;
		// A document listed no more (or held by now) keeps what it has.
		const current = summaries.filter(
			(summary) => this.#listed.has(summary.name) && !this.#stored.has(summary.name)
		);
		this.#holdUnwritten(current);
		try {
			if (current.length > 0 && !this.#stopped) {
				// One write at a time: answers come in a burst, and transactions queued together would
				// hold every read of the lists' tables (the page's own queries) until the last one.
				const writing = this.#summaryWrites.then(() => this.#writeSummaries(current));
				this.#summaryWrites = writing.then(
					() => undefined,
					() => undefined
				);
				const written = await writing;
				const versions = new Map(current.map((summary) => [summary.name, summary.version]));
				for (const name of written) {
					this.#summaries.set(name, versions.get(name) ?? 0);
					// Known to have rows here (none synced yet): a reload drops them if it is unlisted.
					if (!this.#versions.has(name) && !this.#unsavedVersions.has(name)) {
						this.#unsavedVersions.set(name, -1);
					}
				}
				this.#saveVersionsSoon();
			}
		} catch (error) {
			this.#reportStorage(error);
		} finally {
			this.#writingSummaries -= 1;
			this.#summariesSettled();
		}
	}

	/**
	 * Writes summaries SUMMARY_WRITE_CHUNK at a time: a read of the lists' tables waits for the
	 * write under way, so short writes keep the pages answering. Each chunk is listed from memory
	 * until written: marked while it is written (a list query that sees it stored already leaves
	 * it out of memory's part), then out of memory in the same step as it landed.
	 */
	async #writeSummaries(summaries: readonly DocumentSummary[]): Promise<string[]> {
		const written: string[] = [];
		for (let at = 0; at < summaries.length && !this.#stopped; at += SUMMARY_WRITE_CHUNK) {
			const chunk = summaries.slice(at, at + SUMMARY_WRITE_CHUNK);
			const names = chunk.map((summary) => summary.name);
			this.#writingNow = names;
			this.#reportUnwritten();
			let landed = false;
			try {
				written.push(...(await writeSummaries(this.#db, chunk)));
				landed = true;
			} finally {
				this.#writingNow = [];
				if (!landed || !this.#releaseUnwritten(names)) this.#reportUnwritten();
			}
		}
		return written;
	}

	/**
	 * The Customers rows of summaries of documents with no rows on this device, listed from memory
	 * until they are written (a document with rows here, older ones, keeps showing those instead).
	 */
	#holdUnwritten(summaries: readonly DocumentSummary[]): void {
		const replaced = new Set<string>();
		const added: CustomerRow[] = [];
		for (const summary of summaries) {
			const rows = summary.rows.customers as CustomerRow[] | undefined;
			if (!rows?.length || this.#stopped || this.#hasRows(summary.name)) continue;
			if (this.#unwrittenCustomers.has(summary.name)) replaced.add(summary.name);
			this.#unwrittenCustomers.set(summary.name, rows);
			added.push(...rows);
		}
		if (added.length === 0) return;
		// Kept in the list's name order, one merge per answer (a distributor's are thousands).
		const kept =
			replaced.size === 0
				? this.#unwrittenRows
				: this.#unwrittenRows.filter((row) => !replaced.has(row.doc));
		this.#unwrittenRows = withRowsInNameOrder(kept, added);
		this.#reportUnwritten();
	}

	/** Out of memory (written, or no longer listed); false when none of them was held. */
	#releaseUnwritten(names: readonly string[]): boolean {
		const released = new Set(names.filter((name) => this.#unwrittenCustomers.delete(name)));
		if (released.size === 0) return false;
		this.#unwrittenRows =
			this.#unwrittenCustomers.size === 0
				? []
				: this.#unwrittenRows.filter((row) => !released.has(row.doc));
		this.#reportUnwritten();
		return true;
	}

	#reportUnwritten(): void {
		this.#options.unwrittenCustomers?.({
			rows: this.#unwrittenRows,
			writing: this.#writingNow.flatMap(
				(name) => this.#unwrittenCustomers.get(name)?.map((row) => row.customerId) ?? []
			)
		});
	}

	/** Whether rows of document `name` may be in IndexedDB (held, summarized or synced before). */
	#hasRows(name: string): boolean {
		return (
			this.#stored.has(name) ||
			this.#summaries.has(name) ||
			this.#versions.has(name) ||
			this.#unsavedVersions.has(name)
		);
	}

	/** Edits of `name` all acknowledged: it need not stay open for them any more. */
	async #checkPending(name: string): Promise<void> {
		if (!this.#pendingDocs.has(name)) return;
		const left = await this.#db.outbox.where('doc').equals(name).count();
		if (left > 0 || (this.#replicas.get(name)?.unsavedOutbox.length ?? 0) > 0) return;
		this.#pendingDocs.delete(name);
		this.#lingerThenClose(name);
	}

	/** The user's roles as their org document says now; undefined until it is known. */
	actor(): Actor | undefined {
		const { userId, orgId } = this.user;
		const org = this.#replicas.get(documentName({ kind: 'org', orgId }));
		if (!org || org.state.kind !== 'org') return undefined;
		const user = org.state.users[userId];
		if (!isUserLive(user)) return org.state.org ? { userId, orgId, roles: [] } : undefined;
		return { userId, orgId, roles: rolesOf(org.state, userId) };
	}

	/**
	 * Builds an event by the signed-in user, checks it as the server will (a bad edit is refused
	 * here, before anything is written), appends it and resolves once it is saved on the device.
	 */
	async append<T extends EventType>(
		name: string,
		type: T,
		payload: PayloadOf<T>,
		summary: Summary
	): Promise<AppendResult> {
		// Not open (a distributor's devices open documents as they are needed): from IndexedDB.
		const replica = this.#replicas.get(name) ?? (await this.#bringUp(name));
		if (!replica || replica.closed) return { ok: false, code: 'data_document_unavailable' };
		// Only its summary is on this device (listed a moment ago): an edit is checked against the
		// document itself, so its content comes first (it goes ahead of the others), or the edit is
		// refused as unavailable, never checked against an empty document.
		if (replica.doc.store.clients.size === 0 && this.#listed.has(name)) {
			this.#syncQueue.want(name);
			const connection = this.#connections.get(name);
			if (connection) {
				let timer: ReturnType<typeof setTimeout> | undefined;
				await Promise.race([
					connection.whenSynced(),
					new Promise((resolve) => (timer = setTimeout(resolve, CONTENT_WAIT_MS)))
				]);
				clearTimeout(timer);
			}
			if (replica.closed || replica.doc.store.clients.size === 0) {
				return { ok: false, code: 'data_document_unavailable' };
			}
		}
		if (this.#rebuilding.has(name)) return { ok: false, code: 'data_document_rebuilding' };
		this.#syncQueue.want(name);
		if (replica.access !== 'write') return { ok: false, code: 'data_read_only' };
		const actor = this.actor();
		if (!actor) return { ok: false, code: 'data_roles_unknown' };
		const now = (this.#options.serverNow ?? Date.now)();
		const log = replica.doc.getArray(LOG_KEY);
		const last = log.length > 0 ? (log.get(log.length - 1) as { at?: unknown } | null) : null;
		if (isHlcTimestamp(last?.at)) this.#clock.observe(last.at, now);
		const candidate = {
			id: crypto.randomUUID(),
			type,
			at: this.#clock.now(now),
			by: { userId: actor.userId, orgId: actor.orgId },
			payload
		};
		const check = checkAppend(replica.ref, replica.state, candidate, actor);
		if (!check.ok) return { ok: false, code: check.code };
		// It stays open and connected until the server acknowledges the edit.
		this.#pendingDocs.add(name);
		this.#cancelLinger(name);
		await replica.appendLocal([{ event: check.event as DomainEvent, summary }]);
		// The door let it in, but the document as this device has it already rules it out (an order
		// over a limit that a change the page had not shown yet reached): it stays in the log, shown
		// as not applied like any superseded change, and the person is told why at once.
		const superseded = replica.state.superseded.find((s) => s.eventId === check.event.id);
		if (superseded) return { ok: false, code: superseded.code, eventId: check.event.id };
		return { ok: true, eventId: check.event.id };
	}

	/** A documents list arrived: applied once the stored documents are open, newest list only. */
	#documentsListed(documents: readonly ListedDocument[]): void {
		this.#pendingList = documents;
		if (!this.#applyingList) this.#applyingList = this.#applyListed();
	}

	async #applyListed(): Promise<void> {
		await this.#storedOpened?.catch(() => undefined);
		while (this.#pendingList && !this.#stopped) {
			const documents = this.#pendingList;
			this.#pendingList = null;
			await this.#applyDocuments(documents).catch(this.#reportStorage);
		}
		this.#applyingList = undefined;
	}

	/**
	 * Follows the list the server pushed: drops what is no longer listed, asks for the summaries of
	 * documents not held here (the lists are complete at once), keeps the needed ones open and
	 * connected, and syncs the ones behind in the background, most recently changed first.
	 */
	async #applyDocuments(entries: readonly ListedDocument[]): Promise<void> {
		const listed = new Map<string, ListedDocument>();
		for (const entry of entries) {
			// A notice may have come after the list was made: the newer version stands.
			const noticed = this.#listed.get(entry.name);
			listed.set(
				entry.name,
				noticed && noticed.version > entry.version
					? { ...entry, version: noticed.version, changedAt: noticed.changedAt }
					: entry
			);
		}
		this.#listed = listed;
		this.#behind = new Set();
		for (const entry of listed.values()) {
			if (this.#connections.get(entry.name)?.synced) this.#setVersion(entry.name, entry.version);
			else if (!this.#upToDate(entry.name, entry.version)) this.#behind.add(entry.name);
		}
		const byRank = [...listed.values()].sort((a, b) => this.#beforeOther(a, b));
		this.#askSummaries(
			byRank
				.filter(
					(entry) =>
						!this.#stored.has(entry.name) && (this.#summaries.get(entry.name) ?? -1) < entry.version
				)
				.map((entry) => entry.name)
		);
		// Known once what it lacks is asked for: lists wait for those summaries, not for nothing.
		this.#listKnown = true;
		this.#reportProgress();
		const gone = new Set(
			[...this.#stored.keys(), ...this.#summaries.keys(), ...this.#replicas.keys()].filter(
				(name) => !listed.has(name)
			)
		);
		for (const name of gone) {
			if (this.#stopped) return;
			await this.#drop(name);
		}
		// Access changed for documents held here but not open: their rows say so now.
		const changedAccess = [...listed.values()].filter(
			(entry) =>
				this.#stored.has(entry.name) &&
				this.#stored.get(entry.name) !== entry.access &&
				!this.#replicas.has(entry.name)
		);
		if (changedAccess.length > 0) {
			await this.#db.transaction('rw', this.#db.documents, async () => {
				for (const entry of changedAccess) {
					await this.#db.documents.update(entry.name, { access: entry.access });
				}
			});
			for (const entry of changedAccess) this.#stored.set(entry.name, entry.access);
		}
		for (const entry of byRank) {
			if (this.#needsOpen(entry.name) || this.#replicas.has(entry.name)) {
				void this.#bringUp(entry.name).catch(this.#reportStorage);
			}
		}
		// The lists first: the documents' own syncs wait until their summaries are written.
		await this.#whenSummarized(SUMMARY_WAIT_MS);
		for (const entry of byRank) {
			if (this.#behind.has(entry.name)) this.#scheduleSync(entry.name);
		}
	}

	#open(name: string, access: DocumentAccess): Promise<DocumentReplica> {
		const closing = this.#closing.get(name);
		if (closing) return closing.then(() => this.#open(name, access));
		const open = this.#replicas.get(name);
		if (open) return Promise.resolve(open);
		let opening = this.#opening.get(name);
		if (!opening) {
			opening = DocumentReplica.open(this.#db, this.#queue, name, access).then((replica) => {
				this.#opening.delete(name);
				if (this.#stopped) replica.close();
				else {
					this.#replicas.set(name, replica);
					this.#stored.set(name, access);
					// What this device knew when it last had contact: the baseline of "while away".
					if (replica.doc.store.clients.size > 0 && !this.#baselines.has(name)) {
						this.#baselines.set(name, stateVectorOf(replica.doc));
					}
				}
				return replica;
			});
			this.#opening.set(name, opening);
		}
		return opening;
	}

	#connect(replica: DocumentReplica, doc: Y.Doc = replica.doc): DocumentConnection {
		const name = replica.name;
		const connection = new DocumentConnection(
			name,
			doc,
			{
				acknowledged: (vector) => {
					this.#acknowledged(name, vector);
					this.#heardFromServer();
				},
				refused: (refusal) =>
					void (refusal.code === LOG_NOT_AT_TAIL_CODE
						? this.#rebase(name, connection)
						: this.#refused(name, refusal)),
				sessionExpired: () => void this.#sessionExpired(connection),
				forbidden: () => void this.#drop(name),
				synced: (synced) => {
					this.#syncQueue.done(name);
					// In sync: it holds every change noticed so far (each came over it, or in its sync).
					const listed = synced ? this.#listed.get(name) : undefined;
					if (listed) this.#setVersion(name, listed.version);
					if (synced) this.#contact(name, doc);
					else this.#lostContact(name, doc);
					if (synced && !this.#rebuilding.has(name)) void this.#replayOrphans(name);
					if (synced) {
						if (this.#pendingDocs.has(name)) {
							void this.#checkPending(name).catch(this.#reportStorage);
						} else this.#lingerThenClose(name);
					}
				}
			},
			{
				serverUrl: this.#options.serverUrl,
				WebSocketPolyfill: this.#channel.socketClass,
				admit: (connect) => this.#admit(name, connect),
				...(this.#options.random ? { random: this.#options.random } : {})
			}
		);
		this.#connections.set(name, connection);
		this.#announce(name, connection);
		this.#admit(name, () => connection.connect());
		return connection;
	}

	/**
	 * Sort order of syncing: a page open on it first, then the org, partnerships, customers; the
	 * most recently changed first within each.
	 */
	#beforeOther(a: DocumentVersion, b: DocumentVersion): number {
		const rank = (name: string) => (this.#holds.has(name) ? -1 : documentRank(name));
		const ranked = rank(a.name) - rank(b.name);
		if (ranked !== 0) return ranked;
		return a.changedAt > b.changedAt ? -1 : a.changedAt < b.changedAt ? 1 : 0;
	}

	/** Connects `name` when its turn comes (its slot is freed once it syncs or closes). */
	#admit(name: string, connect: () => void): void {
		this.#syncQueue.request(name, () => {
			connect();
			// Already connected, or destroyed meanwhile: no sync event will free the slot.
			const connection = this.#connections.get(name);
			if (!connection || connection.synced) this.#syncQueue.done(name);
		});
	}

	/**
	 * Whether the server's last list names `name` (a document of this user's, on its way to this
	 * device if it does not hold it yet).
	 */
	lists(name: string): boolean {
		return this.#listed.has(name);
	}

	/** When the sync channel last heard from the server (`performance.now()`). */
	get lastHeard(): number {
		return this.#channel.lastHeard;
	}

	/** How far catching up is: how many listed documents synced since start, of how many. */
	get syncProgress(): { synced: number; total: number } {
		return { synced: this.#listed.size - this.#behind.size, total: this.#listed.size };
	}

	#reportProgress(): void {
		if (this.#progressTimer !== undefined || !this.#options.progress) return;
		this.#progressTimer = setTimeout(() => {
			this.#progressTimer = undefined;
			if (this.#stopped) return;
			const { synced, total } = this.syncProgress;
			this.#options.progress?.(synced, total, this.#listKnown, this.#summarizing);
		}, PROGRESS_INTERVAL_MS);
	}

	#lostContact(name: string, doc: Y.Doc): void {
		if (this.#stopped) return;
		if (!this.#baselines.has(name) && doc.store.clients.size > 0) {
			this.#baselines.set(name, stateVectorOf(doc));
		}
		if (this.#awaySince === null) {
			this.#awaySince = this.#lastContact || this.#now();
			this.#saveContact(true);
		}
	}

	/** `name` synced: counts what others changed in it while this device was away. */
	#contact(name: string, doc: Y.Doc): void {
		const now = this.#now();
		const baseline = this.#baselines.get(name);
		this.#baselines.delete(name);
		const since = this.#awaySince;
		if (baseline && since !== null && now - since >= AWAY_THRESHOLD_MS) {
			const items = changesSince(doc, name, baseline, this.user.userId);
			if (items.length > 0) void this.#recordAway(since, now, items);
		}
		// Back in contact once nothing is left to catch up with (what changed meanwhile in the
		// documents still behind counts as "while away" too, whenever they sync).
		if (
			this.#behind.size === 0 &&
			[...this.#baselines.keys()].every((other) => !this.#connections.has(other))
		) {
			this.#awaySince = null;
		}
		this.#heardFromServer();
	}

	#heardFromServer(): void {
		this.#lastContact = this.#now();
		this.#saveContact(false);
	}

	#saveContact(now: boolean): void {
		if (!now && this.#lastContact - this.#contactSavedAt < CONTACT_SAVE_INTERVAL_MS) return;
		this.#contactSavedAt = this.#lastContact;
		void this.#db.settings
			.put({ key: LAST_CONTACT_SETTING, value: this.#lastContact })
			.catch(this.#reportStorage);
	}

	async #recordAway(since: number, until: number, items: AwayItem[]): Promise<void> {
		await this.#db
			.transaction('rw', this.#db.settings, async () => {
				const previous = (await this.#db.settings.get(AWAY_SUMMARY_SETTING))?.value as
					AwaySummary | undefined;
				const value = mergeSummary(previous, since, until, items);
				await this.#db.settings.put({ key: AWAY_SUMMARY_SETTING, value });
			})
			.catch(this.#reportStorage);
	}

	#acknowledged(name: string, vector: Map<number, number>): void {
		const known = this.#serverVectors.get(name) ?? new Map<number, number>();
		for (const [client, clock] of vector) {
			if (clock > (known.get(client) ?? 0)) known.set(client, clock);
		}
		this.#serverVectors.set(name, known);
		this.#deliver(name);
	}

	/** Drops the outbox entries of `name` the server has stored (those saved so far). */
	#deliver(name: string): void {
		const vector = this.#serverVectors.get(name);
		if (!vector) return;
		void markDelivered(this.#db, name, vector)
			.then(async (delivered) => {
				if (delivered > 0) {
					this.#rebases.delete(name);
					await this.#checkPending(name);
				}
			})
			.catch(this.#reportStorage);
	}

	async #sessionExpired(connection: DocumentConnection): Promise<void> {
		// Queued work stays either way. A renewed session reconnects after the backoff (a server
		// that keeps answering 4401 must not be hammered); one that is over ends in the shell (sign
		// in again), and the connection waits for `reconnect()` instead of being given up.
		if (await this.#renewSession()) connection.retry();
	}

	/** The channel itself was closed with 4401: with a renewed session it opens again at once. */
	async #channelSessionExpired(): Promise<void> {
		if (await this.#renewSession()) this.#channel.reconnectNow();
	}

	/** One refresh for every document (and the channel) that heard 4401 at the same time. */
	#renewSession(): Promise<boolean> {
		this.#renewing ??= this.#options.refreshSession().then(
			(renewed) => {
				this.#renewing = undefined;
				if (!renewed && !this.#stopped) this.#options.sessionEnded?.();
				return renewed && !this.#stopped;
			},
			() => {
				// The refresh could not reach the server: the session may still be good, so nothing
				// ends; the documents wait for `reconnect()` (the network back) to try again.
				this.#renewing = undefined;
				return false;
			}
		);
		return this.#renewing;
	}

	/** No access any more: close it, remove its rows, keep its pending work aside as refused. */
	async #drop(name: string): Promise<void> {
		const watch = this.#presence.get(name);
		watch?.stop?.();
		for (const listener of watch?.listeners ?? []) listener([]);
		this.#syncQueue.cancel(name);
		this.#scheduled.delete(name);
		this.#cancelLinger(name);
		const wasListed = this.#listed.delete(name);
		if (this.#behind.delete(name) || wasListed) this.#reportProgress();
		this.#stored.delete(name);
		this.#summaries.delete(name);
		this.#versions.delete(name);
		this.#unsavedVersions.delete(name);
		this.#releaseUnwritten([name]);
		this.#pendingDocs.delete(name);
		this.#connections.get(name)?.destroy();
		this.#connections.delete(name);
		this.#replicas.get(name)?.close();
		this.#replicas.delete(name);
		this.#serverVectors.delete(name);
		this.#rebases.delete(name);
		this.#baselines.delete(name);
		await this.#queue.settled();
		await removeDocument(this.#db, name, NO_ACCESS_CODE).catch(this.#reportStorage);
	}

	/**
	 * The server refused an update and closed (4400). Its events are kept aside with the reason;
	 * the document is rebuilt from the server with a fresh client id (the refused update poisoned
	 * the old client's later items), and the pending events still allowed are appended again.
	 */
	async #refused(name: string, refusal: Refusal): Promise<void> {
		const replica = this.#replicas.get(name);
		this.#syncQueue.cancel(name);
		this.#connections.get(name)?.destroy();
		this.#connections.delete(name);
		if (!replica || this.#stopped) return;
		this.#rebuilding.add(name);
		try {
			await withLock(`tiertwo-rebuild:${name}`, async () => {
				await this.#queue.settled();
				const refusedIds = WRITING_REFUSALS.has(refusal.code)
					? []
					: refusal.eventIds.length > 0
						? refusal.eventIds
						: (await pendingOf(this.#db, name)).map((row) => row.eventId);
				await refuseEntries(this.#db, refusedIds, refusal.code);
				const fresh = new Y.Doc();
				const connection = this.#connect(replica, fresh);
				await connection.whenSynced();
				if (this.#stopped || replica.closed) return;
				await replica.replaceDoc(fresh);
				await replayPending(this.#db, replica, this.actor(), { onlyOrphans: false });
			});
		} catch (error) {
			this.#reportStorage(error);
		} finally {
			this.#rebuilding.delete(name);
		}
	}

	/**
	 * The server refused pending events of `name` because Yjs placed them before events it already
	 * had (sync_log_not_at_tail; another device's append got there first). Nothing is refused:
	 * in the same Y.Doc (same client id, so Notes text and other parts typed with them stay) the
	 * pending events still undelivered move to the tail in one transaction, and the connection
	 * tries again after a backoff that grows while it keeps happening. Who got there first is what
	 * the server accepted, the same on every replica; the person only sees "waiting to sync".
	 */
	async #rebase(name: string, connection: DocumentConnection): Promise<void> {
		const replica = this.#replicas.get(name);
		if (!replica || this.#stopped || replica.closed) return;
		try {
			await withLock(`tiertwo-rebuild:${name}`, async () => {
				await this.#queue.settled();
				// Rows the server already stored (their ack not processed yet) are history now: moving
				// them would delete an acknowledged item, which the server rightly refuses.
				const server = this.#serverVectors.get(name) ?? new Map<number, number>();
				const pending = (await pendingOf(this.#db, name)).filter(
					(row) => !isDelivered(row, server)
				);
				if (!replica.closed) await replica.rebaseOntoTail(pending);
			});
		} catch (error) {
			this.#reportStorage(error);
		}
		const attempt = this.#rebases.get(name) ?? 0;
		this.#rebases.set(name, attempt + 1);
		const random = this.#options.random ?? Math.random;
		connection.retry(backoffDelay(attempt, random()));
	}

	async #replayOrphans(name: string): Promise<void> {
		const replica = this.#replicas.get(name);
		if (!replica) return;
		await replayPending(this.#db, replica, this.actor(), { onlyOrphans: true }).catch(
			this.#reportStorage
		);
	}

	#applyStoredUpdates(rows: ReadonlyArray<{ seq?: number; doc: string; update: Uint8Array }>) {
		for (const row of rows) {
			const seq = row.seq as number;
			if (seq > this.#lastSeq) this.#lastSeq = seq;
			if (this.#ownSeqs.delete(seq)) continue;
			// Another tab stored it (tabs do not share Y.Docs or sockets): merge it here too.
			this.#replicas.get(row.doc)?.applyStoredUpdate(row.update);
		}
	}

	#reportStorage = (error: unknown): void => {
		this.#options.storageFailed?.(error);
	};
}

/** Serializes a task across this browser's tabs (a no-op lock where Web Locks are missing). */
async function withLock(name: string, task: () => Promise<void>): Promise<void> {
	if (typeof navigator !== 'undefined' && navigator.locks) {
		await navigator.locks.request(name, task);
	} else {
		await task();
	}
}
