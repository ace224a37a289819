// Keeps the listing index (AccessIndex: who may open which document) up to date as documents
// change: its writes run one at a time, in order; a changed document is refreshed with the ones
// that depend on it in batches a second apart, not on every update (open connections' access is
// rechecked by the hub meanwhile); the changes this process committed are published to the other
// processes once the shared index has them.
import type { Logger } from 'pino';
import type { Viewer } from '../authorize.js';
import { accessChangeOf, orgsAdmitted, type AccessChange } from './access-change.js';
import type { AccessIndex } from './access-index.js';
import type { DocumentRegistry } from './document-registry.js';
import type { LiveDocument } from './live-document.js';

export interface ListingUpkeepDeps {
	readonly index: AccessIndex;
	readonly registry: DocumentRegistry;
	readonly log: Logger;
	/** tells the other processes of a cluster (nothing to do for one process) */
	readonly publish: (change: AccessChange) => void;
}

/** How long changed documents wait to be refreshed together. */
const BATCH_MS = 1000;

export class ListingUpkeep {
	readonly #deps: ListingUpkeepDeps;
	#writes: Promise<void> = Promise.resolve();
	/** Each stale document, and whether this process committed the change (then it tells the others). */
	readonly #stale = new Map<LiveDocument, boolean>();
	#timer: NodeJS.Timeout | null = null;

	constructor(deps: ListingUpkeepDeps) {
		this.#deps = deps;
	}

	/** Runs `task` after every index write queued before it; a failure is logged, not thrown. */
	write(task: () => Promise<void>): Promise<void> {
		this.#writes = this.#writes
			.then(task)
			.catch((error: unknown) =>
				this.#deps.log.error({ err: error }, 'access index update failed')
			);
		return this.#writes;
	}

	/** A new org's documents: indexed, then announced. */
	orgAdmitted(orgId: string): Promise<void> {
		return this.write(async () => {
			await this.#deps.index.rebuild(orgId);
			this.#deps.publish(orgsAdmitted([orgId]));
		});
	}

	/** Many new orgs at once (generated demo customers): admitted to the index, then announced. */
	orgsAdded(orgIds: readonly string[]): Promise<void> {
		return this.write(async () => {
			await this.#deps.index.admitOrgs(orgIds);
			this.#deps.publish(orgsAdmitted(orgIds));
		});
	}

	/** The registry's access-change listener: the document is refreshed with the next batch. */
	readonly accessChanged = (live: LiveDocument, committed: boolean): void => {
		this.#stale.set(live, committed || this.#stale.get(live) === true);
		this.#timer ??= setTimeout(() => void this.#refresh(), BATCH_MS);
	};

	/** Refreshes the waiting batch now (stopping: nothing is left for a timer). */
	flush(): void {
		if (!this.#timer) return;
		clearTimeout(this.#timer);
		void this.#refresh();
	}

	/** Every change this process accepted so far is in the listing index (other processes read it). */
	async settled(): Promise<void> {
		if (this.#timer) {
			clearTimeout(this.#timer);
			await this.#refresh();
		}
		await this.#writes;
	}

	/** Resolves once the writes queued so far are done. */
	idle(): Promise<void> {
		return this.#writes;
	}

	/** Every document a user may open, with their access, as of every change accepted so far. */
	async documentsFor(viewer: Viewer) {
		await this.settled();
		return this.#deps.index.documentsFor(viewer);
	}

	/** Of `names`, each one a user may open, with their access (null: not), as `documentsFor`. */
	async documentsAmong(viewer: Viewer, names: readonly string[]) {
		await this.settled();
		return this.#deps.index.documentsAmong(viewer, names);
	}

	#refresh(): Promise<void> {
		this.#timer = null;
		const stale = [...this.#stale];
		this.#stale.clear();
		const { index, registry, publish } = this.#deps;
		return this.write(async () => {
			for (const [live, committed] of stale) {
				await index.refreshWithDependents(live);
				if (committed) publish(accessChangeOf(registry, live));
				// Its store calls may all complete synchronously (SQLite): let sockets in between.
				await new Promise((resolve) => setImmediate(resolve));
			}
		});
	}
}
