// The one adapter from Dexie's liveQuery to Svelte runes (modelled on dexie-svelte-query's
// stateQuery): pages read IndexedDB through it and re-render when any tab changes the rows.
import { liveQuery, type Dexie, type Subscription } from 'dexie';
import { onTableChange } from './table-changes';
import { untrack } from 'svelte';

export interface LiveQueryState<T> {
	/** the latest result; the previous one stays while a changed query runs (no flicker) */
	readonly current: T | undefined;
	/** true until the first result of the current query arrives */
	readonly loading: boolean;
	readonly error: unknown;
}

/**
 * Runs `querier` as a live query for the lifetime of the calling component. `dependencies` is read
 * in a tracked scope: when a value it reads changes (a filter, a sort, a scroll window), the query
 * is replaced. The querier itself runs untracked, inside Dexie's observation zone. A query is not
 * replaced before it answered: it is replaced as it answers (its answer shows meanwhile), so
 * dependencies changing faster than a query can answer (rows a new device holds in memory while
 * it writes them, each read waiting for the write under way) cannot keep the page without rows.
 */
export function liveQueryState<T>(
	querier: () => T | Promise<T>,
	dependencies?: () => unknown
): LiveQueryState<T> {
	let current = $state.raw<T | undefined>(undefined);
	let loading = $state(true);
	let error = $state.raw<unknown>(undefined);
	let subscription: Subscription | undefined;
	/** subscribed, and no answer yet */
	let answering = false;
	/** the dependencies changed while the query was answering */
	let outdated = false;
	const subscribe = () => {
		subscription?.unsubscribe();
		answering = true;
		outdated = false;
		loading = true;
		subscription = liveQuery(querier).subscribe({
			next: (value) => {
				current = value;
				error = undefined;
				answering = false;
				if (outdated) subscribe();
				else loading = false;
			},
			error: (failure: unknown) => {
				error = failure;
				answering = false;
				if (outdated) subscribe();
				else loading = false;
			}
		});
	};
	$effect(() => {
		dependencies?.();
		untrack(() => {
			if (answering) outdated = true;
			else subscribe();
		});
	});
	$effect(() => () => {
		subscription?.unsubscribe();
		subscription = undefined;
	});
	return {
		get current() {
			return current;
		},
		get loading() {
			return loading;
		},
		get error() {
			return error;
		}
	};
}

/**
 * A number that goes up whenever rows of `table` change, in this tab or another (`onTableChange`),
 * for a query too slow to run as a live query on every write (counting 100,000 keys): the caller
 * reads `current` where it runs that query again, at the pace it chooses.
 */
export function tableChanges(db: Dexie, table: string): { readonly current: number } {
	let current = $state(0);
	$effect(() => onTableChange(db, table, () => (current += 1)));
	return {
		get current() {
			return current;
		}
	};
}
