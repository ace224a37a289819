// Whether the server is reachable (a heartbeat to /health) and whether any work is waiting to sync;
// also how far the server's clock is from this device's (the `Date` of each answer).
import { SvelteMap } from 'svelte/reactivity';
import { serverClockOffset } from '$lib/domain/clock';

export type ConnectionState = 'online' | 'offline' | 'syncing';

/** While reachable: one check every 10 s. After a failure: 1 s, then doubling up to 15 s. */
export const HEARTBEAT_INTERVAL_MS = 10_000;
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 15_000;
const CHECK_TIMEOUT_MS = 5_000;

type Listener = () => void;

class Connection {
	#reachable = $state(typeof navigator === 'undefined' ? false : navigator.onLine);
	/** Unsynced work per sync source (e.g. one entry per open document). */
	#unsynced = new SvelteMap<string, number>();
	#catchUp = $state.raw({ synced: 0, total: 0, listKnown: true, summarizing: false });
	/** The device's sync channel is open (the server hears its changes and tells it its decisions). */
	#channelOpen = $state(false);
	/** When the sync channel last heard from the server (`performance.now()`), as its client says. */
	#channelHeardAt: () => number = () => -Infinity;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#retryDelay = RETRY_FIRST_MS;
	#checking: Promise<void> | undefined;
	#running = false;
	#reachableListeners = new Set<Listener>();
	#answerListeners = new Set<Listener>();
	#versionListeners = new Set<Listener>();
	/** The `version` /health last reported: a change means the server now runs another release. */
	#serverVersion: string | undefined;
	/**
	 * The server's clock minus this device's, as the last /health answer showed (0 until then, or
	 * while they agree). Kept in memory only: a clock put right while offline must not be "corrected".
	 */
	#clockOffset = 0;

	get state(): ConnectionState {
		if (!this.#reachable) return 'offline';
		if (this.catchingUp) return 'syncing';
		for (const count of this.#unsynced.values()) if (count > 0) return 'syncing';
		return 'online';
	}

	/** How many of the user's documents synced since the app started, of how many. */
	get catchUp(): { readonly synced: number; readonly total: number } {
		return this.#catchUp;
	}

	/**
	 * Some listed documents have not synced yet since the app started (a new device, say), or the
	 * server's list of them has not come since the sync channel (re)opened.
	 */
	get catchingUp(): boolean {
		return !this.#catchUp.listKnown || this.#catchUp.synced < this.#catchUp.total;
	}

	/**
	 * In reach of the server, the lists may still lack rows it has: its list of the user's documents
	 * has not come since the sync channel (re)opened, or summaries of listed documents are still being
	 * asked for or written. A list with no rows says Loading… then, not "none". Out of reach, what
	 * the device holds is all it knows.
	 */
	get listsArriving(): boolean {
		return this.inReach && (!this.#catchUp.listKnown || this.#catchUp.summarizing);
	}

	/**
	 * The server answers its heartbeat, or the sync channel is open (an open channel is proof of
	 * reach even when a heartbeat timed out under load).
	 */
	get inReach(): boolean {
		return this.#reachable || this.#channelOpen;
	}

	/** Whether the server's list of the user's documents came since the sync channel (re)opened. */
	get listKnown(): boolean {
		return this.#catchUp.listKnown;
	}

	/** The sync client reports how far the documents are from having all synced once. */
	reportCatchUp(synced: number, total: number, listKnown = true, summarizing = false): void {
		this.#catchUp = { synced, total, listKnown, summarizing };
	}

	get reachable(): boolean {
		return this.#reachable;
	}

	/**
	 * The server is reachable and the sync channel open: a change made now is decided while the
	 * person waits. Reachable over HTTP with the websocket cut (a proxy, say) is not in contact.
	 */
	get inContact(): boolean {
		return this.#reachable && this.#channelOpen;
	}

	/** The sync client reports its channel opening or closing. */
	reportChannel(open: boolean): void {
		this.#channelOpen = open;
	}

	/** The sync client says how to ask when its channel last heard from the server. */
	reportChannelHeard(heardAt: () => number): void {
		this.#channelHeardAt = heardAt;
	}

	/**
	 * The time by the server's clock, as well as this device knows it: what new events are stamped
	 * with, since the server refuses stamps more than a few minutes ahead of its clock (or months
	 * behind it) and a device's clock may be set wrong.
	 */
	serverNow(): number {
		return Date.now() + this.#clockOffset;
	}

	/** The sync client calls this whenever a source's count of changes not yet on the server changes. */
	reportUnsyncedWork(source: string, count: number): void {
		if (count > 0) this.#unsynced.set(source, count);
		else this.#unsynced.delete(source);
	}

	/**
	 * Hears every check the server answered while it was reachable already (the heartbeat; a return
	 * from unreachable goes to `onReachable`); returns the unsubscribe.
	 */
	onAnswer(listener: Listener): () => void {
		this.#answerListeners.add(listener);
		return () => this.#answerListeners.delete(listener);
	}

	/** Called on every transition from unreachable to reachable (e.g. to look for an app update). */
	onReachable(listener: Listener): () => void {
		this.#reachableListeners.add(listener);
		return () => this.#reachableListeners.delete(listener);
	}

	/** Called when /health reports a different version than before (a new release was deployed). */
	onServerVersionChange(listener: Listener): () => void {
		this.#versionListeners.add(listener);
		return () => this.#versionListeners.delete(listener);
	}

	/** Starts the heartbeat and the browser's network hints; returns the stop function. */
	start(): () => void {
		if (this.#running) return () => this.stop();
		this.#running = true;
		window.addEventListener('online', this.checkSoon);
		window.addEventListener('offline', this.checkSoon);
		document.addEventListener('visibilitychange', this.#checkWhenVisible);
		void this.checkNow();
		return () => this.stop();
	}

	stop(): void {
		this.#running = false;
		clearTimeout(this.#timer);
		window.removeEventListener('online', this.checkSoon);
		window.removeEventListener('offline', this.checkSoon);
		document.removeEventListener('visibilitychange', this.#checkWhenVisible);
	}

	/** One check now (deduplicated), then the next one scheduled from its result. */
	checkNow(): Promise<void> {
		this.#checking ??= this.#check().finally(() => {
			this.#checking = undefined;
		});
		return this.#checking;
	}

	async #check(): Promise<void> {
		clearTimeout(this.#timer);
		const health = await this.#ping();
		const reachable = health !== undefined;
		const wasReachable = this.#reachable;
		this.#reachable = reachable;
		if (reachable) {
			this.#retryDelay = RETRY_FIRST_MS;
			if (!wasReachable) for (const listener of this.#reachableListeners) listener();
			else for (const listener of this.#answerListeners) listener();
			if (health.clockOffset !== undefined) this.#clockOffset = health.clockOffset;
			const previousVersion = this.#serverVersion;
			this.#serverVersion = health.version ?? previousVersion;
			if (previousVersion !== undefined && this.#serverVersion !== previousVersion) {
				for (const listener of this.#versionListeners) listener();
			}
		}
		if (!this.#running) return;
		const delay = reachable ? HEARTBEAT_INTERVAL_MS : this.#retryDelay;
		if (!reachable) this.#retryDelay = Math.min(this.#retryDelay * 2, RETRY_MAX_MS);
		this.#timer = setTimeout(() => void this.checkNow(), delay);
	}

	/** The server's health answer, or undefined when it cannot be reached. */
	async #ping(): Promise<{ version?: string; clockOffset?: number } | undefined> {
		const askedAt = performance.now();
		try {
			const sentAt = Date.now();
			const response = await fetch('/health', {
				cache: 'no-store',
				signal: AbortSignal.timeout(CHECK_TIMEOUT_MS)
			});
			if (!response.ok) return undefined;
			const date = response.headers.get('date');
			const clockOffset = date
				? serverClockOffset(sentAt, Date.now(), Date.parse(date))
				: undefined;
			const body: unknown = await response.json().catch(() => ({}));
			const version = (body as { version?: unknown } | null)?.version;
			return {
				...(typeof version === 'string' || typeof version === 'number'
					? { version: String(version) }
					: {}),
				...(clockOffset !== undefined ? { clockOffset } : {})
			};
		} catch (error) {
			// A check that timed out while the open sync channel kept hearing from the server is an
			// answer slow under load (a device catching up on thousands of documents), not an
			// unreachable server: reach holds, and nothing else is learnt from it.
			if (
				this.#channelOpen &&
				error instanceof DOMException &&
				error.name === 'TimeoutError' &&
				this.#channelHeardAt() > askedAt
			) {
				return {};
			}
			// Any other failed fetch is exactly the answer we are asking for: unreachable.
			return undefined;
		}
	}

	/**
	 * The network changed, or the sync channel's socket opened or was lost: check again, after the
	 * check in flight if there is one (it may have started before the change, and its answer would
	 * stand for a whole heartbeat interval).
	 */
	checkSoon = (): void => {
		this.#retryDelay = RETRY_FIRST_MS;
		const inFlight = this.#checking;
		if (inFlight) void inFlight.then(() => this.checkNow());
		else void this.checkNow();
	};

	#checkWhenVisible = (): void => {
		if (document.visibilityState === 'visible') void this.checkNow();
	};

	/** For tests: forget all reported work and stop. */
	reset(): void {
		this.stop();
		this.#unsynced.clear();
		this.#reachableListeners.clear();
		this.#answerListeners.clear();
		this.#versionListeners.clear();
		this.#serverVersion = undefined;
		this.#clockOffset = 0;
		this.#channelOpen = false;
		this.#channelHeardAt = () => -Infinity;
	}
}

export const connection = new Connection();
