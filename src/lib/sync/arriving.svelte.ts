// Whether a document a page lists rows from is still on its way to this device: the page says
// Loading… meanwhile, never "none" before it knows (an org's invitation links, say, on a new device
// where its list of documents came and the links document has not synced yet).
import { db } from '$lib/db/db';
import { liveQueryState } from '$lib/db/live-query.svelte';
import { syncClient } from './sync-client.svelte';

/**
 * For the calling component's lifetime: true while document `name()` is not held on this device
 * (no `documents` row) and the sync client expects it (see `syncClient.expects`), or while that is
 * not read yet.
 */
export function documentArriving(name: () => string): { readonly current: boolean } {
	const held = liveQueryState(async () => (await db.documents.get(name())) !== undefined, name);
	const current = $derived(
		held.current === undefined || (!held.current && syncClient.expects(name()))
	);
	return {
		get current() {
			return current;
		}
	};
}
