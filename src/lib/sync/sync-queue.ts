// Which documents may connect now. A distributor's device lists tens of thousands of documents:
// connecting them all at once floods the channel (and the server) with sync steps, so at most
// `limit` are connecting at a time and the rest wait their turn. A document the person asked for
// (a page of it opened, an edit in it) goes first, the most recent ask first; then by rank (the
// user's own org, its partnerships and links, then customers), first come first served within a
// rank.
// Every (re)connect of a document goes through here, so a dropped channel coming back does not
// reopen twenty thousand documents in one burst either.

/** Asks remembered for documents not requested yet (pages opened in a row; older ones lapse). */
const MAX_WANTED = 32;

export interface SyncQueueOptions {
	/** how many documents may be connecting at once */
	readonly limit: number;
	/** smaller goes first (see `documentRank`) */
	readonly rank: (name: string) => number;
}

/**
 * Ranks a document by its name's kind: the user's org, then its partnerships and the links it
 * sent (no summary lists those: the pages' lists of links wait for the document), then customers.
 */
export function documentRank(name: string): number {
	if (name.startsWith('org/')) return 0;
	if (name.startsWith('partnership/') || name.startsWith('invitations/')) return 1;
	return 2;
}

export class SyncQueue {
	readonly #limit: number;
	readonly #rank: (name: string) => number;
	/** connecting now: their slot is freed by `done` */
	readonly #active = new Set<string>();
	/** waiting, with what starts each (the latest request wins) */
	readonly #waiting = new Map<string, () => void>();
	/** asked for by the person, most recent last */
	#wanted: string[] = [];
	/** per rank, in order of request (names may be stale: skipped when no longer waiting) */
	readonly #ranks = new Map<number, { names: string[]; head: number }>();

	constructor(options: SyncQueueOptions) {
		this.#limit = Math.max(1, options.limit);
		this.#rank = options.rank;
	}

	/** Documents connecting now. */
	get active(): number {
		return this.#active.size;
	}

	/** Documents waiting for a slot. */
	get waiting(): number {
		return this.#waiting.size;
	}

	/** `name` wants to connect: `start` runs now if a slot is free, else when its turn comes. */
	request(name: string, start: () => void): void {
		if (this.#active.has(name)) {
			// It connects again before its last attempt ended (a reconnect): same slot.
			start();
			return;
		}
		const queued = this.#waiting.has(name);
		this.#waiting.set(name, start);
		if (!queued) {
			const rank = this.#rank(name);
			let bucket = this.#ranks.get(rank);
			if (!bucket) this.#ranks.set(rank, (bucket = { names: [], head: 0 }));
			bucket.names.push(name);
		}
		this.#pump();
	}

	/**
	 * The person asked for `name` (its page is open): it goes next, now if it waits, or as soon as
	 * it is requested (a page opened from a link before the documents list came).
	 */
	want(name: string): void {
		if (this.#active.has(name)) return;
		this.#wanted = this.#wanted.filter((other) => other !== name);
		this.#wanted.push(name);
		if (this.#wanted.length > MAX_WANTED) this.#wanted.shift();
		this.#pump();
	}

	/** `name` synced, failed or closed: its slot goes to the next one waiting. */
	done(name: string): void {
		if (this.#active.delete(name)) this.#pump();
	}

	/** `name` is gone (no access, engine stopped): forget it, waiting or connecting. */
	cancel(name: string): void {
		this.#waiting.delete(name);
		this.done(name);
	}

	clear(): void {
		this.#active.clear();
		this.#waiting.clear();
		this.#wanted = [];
		this.#ranks.clear();
	}

	#pump(): void {
		while (this.#active.size < this.#limit) {
			const name = this.#next();
			if (name === undefined) return;
			const start = this.#waiting.get(name);
			this.#waiting.delete(name);
			if (!start) continue;
			this.#active.add(name);
			start();
		}
	}

	#next(): string | undefined {
		for (let at = this.#wanted.length - 1; at >= 0; at -= 1) {
			const name = this.#wanted[at] as string;
			if (this.#waiting.has(name)) {
				this.#wanted.splice(at, 1);
				return name;
			}
		}
		const ranks = [...this.#ranks.keys()].sort((a, b) => a - b);
		for (const rank of ranks) {
			const bucket = this.#ranks.get(rank);
			if (!bucket) continue;
			while (bucket.head < bucket.names.length) {
				const name = bucket.names[bucket.head++] as string;
				if (this.#waiting.has(name)) return name;
			}
			this.#ranks.delete(rank);
		}
		return undefined;
	}
}
