// The list rows of documents this device does not hold yet, from the summaries the server sent
// (src/lib/db/read-models/summary.ts), and where it is with each listed document's server version.
// A document held on the device (a `documents` row) is never overwritten by a summary: its own
// projection, with this device's pending edits, is what its rows show.
import { parseDocumentName } from '$lib/domain/documents';
import type { DocumentSummary } from '$lib/protocol/channel';
import type { AppDatabase } from './app-database';
import type { DocVersionRow } from './local-records';
import { documentRows } from './read-models';
import { SUMMARY_TABLES_BY_KIND } from './read-models/summary';

const SUMMARY_TABLES = [...new Set(Object.values(SUMMARY_TABLES_BY_KIND).flat())];

/**
 * Writes the summaries of documents not held here, in one transaction (a list never shows half of
 * a batch). Returns the names written; the others are held, or were summarized at a later version.
 */
export async function writeSummaries(
	db: AppDatabase,
	summaries: readonly DocumentSummary[]
): Promise<string[]> {
	const tables = SUMMARY_TABLES.map((name) => db.table(name));
	return db.transaction('rw', [db.documents, db.docVersions, ...tables], async () => {
		const names = summaries.map((summary) => summary.name);
		const held = await db.documents.bulkGet(names);
		const versions = await db.docVersions.bulkGet(names);
		const written: string[] = [];
		const rows: DocVersionRow[] = [];
		// Every table's rows in one bulkPut: a new device writes thousands of summaries at once.
		const puts: Record<string, object[]> = {};
		for (const [index, summary] of summaries.entries()) {
			const ref = parseDocumentName(summary.name);
			const known = versions[index];
			if (!ref || held[index] || (known && known.summary >= summary.version)) continue;
			for (const name of SUMMARY_TABLES_BY_KIND[ref.kind]) {
				// Rows of an earlier summary may be gone from this one; a first summary has none.
				if (known && known.summary >= 0) await documentRows(db.table(name), ref).delete();
				for (const row of summary.rows[name] ?? []) (puts[name] ??= []).push(row);
			}
			rows.push({ name: summary.name, synced: known?.synced ?? -1, summary: summary.version });
			written.push(summary.name);
		}
		for (const [name, put] of Object.entries(puts)) await db.table(name).bulkPut(put);
		await db.docVersions.bulkPut(rows);
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
				synced: Math.max(synced.get(name) ?? -1, known[index]?.synced ?? -1),
				summary: known[index]?.summary ?? -1
			}))
		);
	});
}
