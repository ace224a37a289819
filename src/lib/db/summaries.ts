// The list rows of documents this device does not hold yet, from the summaries the server sent
// (src/lib/db/read-models/summary.ts), and where it is with each listed document's server version.
// A document held on the device (a `documents` row) is never overwritten by a summary: its own
// projection, with this device's pending edits, is what its rows show.
import { parseDocumentName } from '$lib/domain/documents';
import type { DocumentSummary } from '$lib/protocol/channel';
import type { AppDatabase } from './app-database';
import { SUMMARY_TABLES_BY_KIND } from './read-models/summary';

const SUMMARY_TABLES = [...new Set(Object.values(SUMMARY_TABLES_BY_KIND).flat())];

/**
 * Writes the summaries of documents not held here, in one transaction (a list never shows half of
 * a batch), each table's rows in one bulkPut: a new device writes thousands at once, and IndexedDB
 * is the cost. Nothing is deleted first: a later summary of a document has every row an earlier
 * one had (its rows change state, they do not go away). Returns the names written.
 */
export async function writeSummaries(
	db: AppDatabase,
	summaries: readonly DocumentSummary[]
): Promise<string[]> {
	const tables = SUMMARY_TABLES.map((name) => db.table(name));
	return db.transaction('rw', [db.documents, ...tables], async () => {
		const held = await db.documents.bulkGet(summaries.map((summary) => summary.name));
		const written: string[] = [];
		const puts: Record<string, object[]> = {};
		for (const [index, summary] of summaries.entries()) {
			const ref = parseDocumentName(summary.name);
			if (!ref || held[index]) continue;
			for (const name of SUMMARY_TABLES_BY_KIND[ref.kind]) {
				for (const row of summary.rows[name] ?? []) (puts[name] ??= []).push(row);
			}
			written.push(summary.name);
		}
		await Promise.all(Object.entries(puts).map(([name, rows]) => db.table(name).bulkPut(rows)));
		return written;
	});
}

/** Records the server versions this device now holds all of (never lowering one). */
export async function saveSyncedVersions(
	db: AppDatabase,
	synced: ReadonlyMap<string, number>
): Promise<void> {
	if (synced.size === 0) return;
	await db.transaction('rw', db.docVersions, async () => {
		const names = [...synced.keys()];
		const known = await db.docVersions.bulkGet(names);
		await db.docVersions.bulkPut(
			names.map((name, index) => ({
				name,
				synced: Math.max(synced.get(name) ?? -1, known[index]?.synced ?? -1)
			}))
		);
	});
}
