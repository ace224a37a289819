// Wizard drafts: a machine's persisted snapshot, saved as the user goes so a half-filled form
// survives a reload or a dead battery (restore with `createActor(machine, { snapshot })`).
import type { AppDatabase } from './app-database';
import type { DraftRow } from './local-records';

export function saveDraft(
	db: AppDatabase,
	key: string,
	machine: string,
	snapshot: unknown
): Promise<string> {
	// A JSON round trip: what is stored is exactly what the snapshot serializes to.
	const row: DraftRow = {
		key,
		machine,
		snapshot: JSON.parse(JSON.stringify(snapshot)),
		updatedAt: Date.now()
	};
	return db.drafts.put(row);
}

/** The saved snapshot of `machine` under `key`, or undefined (none, or of another machine). */
export async function loadDraft(db: AppDatabase, key: string, machine: string): Promise<unknown> {
	const row = await db.drafts.get(key);
	return row?.machine === machine ? row.snapshot : undefined;
}

export function deleteDraft(db: AppDatabase, key: string): Promise<void> {
	return db.drafts.delete(key);
}
