// The one adapter from Dexie's liveQuery to Svelte runes (modelled on dexie-svelte-query's
// stateQuery): pages read IndexedDB through it and re-render when any tab changes the rows.
import { liveQuery, type Dexie } from 'dexie';
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
 * is replaced. The querier itself runs untracked, inside Dexie's observation zone.
 */
export function liveQueryState<T>(
	querier: () => T | Promise<T>,
	dependencies?: () => unknown
): LiveQueryState<T> {
	let current = $state.raw<T | undefined>(undefined);
	let loading = $state(true);
	let error = $state.raw<unknown>(undefined);
	$effect(() => {
		dependencies?.();
		loading = true;
		const subscription = untrack(() =>
			liveQuery(querier).subscribe({
				next: (value) => {
					current = value;
					error = undefined;
					loading = false;
				},
				error: (failure: unknown) => {
					error = failure;
					loading = false;
				}
			})
		);
		return () => subscription.unsubscribe();
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
