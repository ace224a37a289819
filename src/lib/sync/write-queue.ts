// Gathers the changes of every document replica made within one tick and commits them to IndexedDB
// in one transaction. A failed commit (e.g. a full disk) keeps the changes in memory for the next try.
import type { AppDatabase } from '$lib/db/app-database';
import { commitChanges, type CommitResult, type DocumentChange } from '$lib/db/document-store';

/** A document whose unsaved state the queue asks for and reports back to. */
export interface QueuedWriter {
	/** the change to commit now, or null when there is nothing to save */
	takeChange(): DocumentChange | null;
	committed(change: DocumentChange, result: CommitResult): void;
	failed(change: DocumentChange): void;
}

export interface WriteQueueEvents {
	committed?(changes: readonly DocumentChange[], result: CommitResult): void;
	failed?(error: unknown): void;
}

interface Waiter {
	resolve(): void;
	reject(error: unknown): void;
}

export class WriteQueue {
	#db: AppDatabase;
	#events: WriteQueueEvents;
	#dirty = new Set<QueuedWriter>();
	#waiters: Waiter[] = [];
	#running: Promise<void> | undefined;
	#scheduled = false;

	constructor(db: AppDatabase, events: WriteQueueEvents = {}) {
		this.#db = db;
		this.#events = events;
	}

	/** Saves `writer`'s change with the next commit; resolves once it is in IndexedDB. */
	save(writer: QueuedWriter): Promise<void> {
		this.#dirty.add(writer);
		const saved = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
		this.#schedule();
		return saved;
	}

	/** Like `save`, for changes no caller waits on: a failure is reported through `failed`. */
	saveInBackground(writer: QueuedWriter): void {
		this.save(writer).catch(() => {
			// reported once per commit through events.failed
		});
	}

	/** Resolves when everything queued so far is committed (or failed). */
	async settled(): Promise<void> {
		while (this.#running || this.#scheduled) {
			// A scheduled commit starts on a macrotask: wait for it, not just for a microtask.
			await (this.#running ?? new Promise((resolve) => setTimeout(resolve, 0)));
		}
	}

	#schedule(): void {
		if (this.#scheduled || this.#running) return;
		this.#scheduled = true;
		// A macrotask: updates that arrive together (a sync step, a burst of edits) share a commit.
		setTimeout(() => {
			this.#scheduled = false;
			this.#running = this.#commit().finally(() => {
				this.#running = undefined;
				if (this.#dirty.size > 0) this.#schedule();
			});
		}, 0);
	}

	async #commit(): Promise<void> {
		const writers = [...this.#dirty];
		this.#dirty.clear();
		const waiters = this.#waiters.splice(0);
		const entries: Array<[QueuedWriter, DocumentChange]> = [];
		for (const writer of writers) {
			const change = writer.takeChange();
			if (change) entries.push([writer, change]);
		}
		if (entries.length === 0) {
			for (const waiter of waiters) waiter.resolve();
			return;
		}
		const changes = entries.map(([, change]) => change);
		try {
			const result = await commitChanges(this.#db, changes);
			for (const [writer, change] of entries) writer.committed(change, result);
			for (const waiter of waiters) waiter.resolve();
			this.#events.committed?.(changes, result);
		} catch (error) {
			for (const [writer, change] of entries) writer.failed(change);
			for (const waiter of waiters) waiter.reject(error);
			this.#events.failed?.(error);
		}
	}
}
