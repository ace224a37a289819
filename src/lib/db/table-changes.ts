// Hears that rows of a table changed, in this tab or another (Dexie's `storagemutated` event, which
// it also relays between tabs), whatever the rows' keys. A live query only runs again for changes
// inside the key ranges it read: a list that reads a window of its first rows misses rows added
// past the window, so what counts the whole table (slow at 100,000 rows) asks here when to count.
import { Dexie, type ObservabilitySet } from 'dexie';

/** Calls `changed` after each committed write to `table` of `db`; returns the unsubscribe. */
export function onTableChange(db: Dexie, table: string, changed: () => void): () => void {
	// Dexie names a table's changed parts `idb://<database>/<table>/<index name, or nothing>`.
	const prefix = `idb://${db.name}/${table}/`;
	const listener = (parts: ObservabilitySet) => {
		if (Object.keys(parts).some((part) => part.startsWith(prefix))) changed();
	};
	Dexie.on.storagemutated.subscribe(listener);
	return () => Dexie.on.storagemutated.unsubscribe(listener);
}
