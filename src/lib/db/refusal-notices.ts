// The refused changes the signed-in user has not been told of yet (the shell's notice), and marking
// them told: dismissed from the notice, or shown where they were made. The rows stay in `refused`
// (Pending changes lists and exports them) until the user dismisses them there.
import { SEEN_REFUSALS_SETTING, type AppDatabase } from './app-database';
import type { RefusedRow } from './local-records';

async function seenIds(db: AppDatabase): Promise<Set<string>> {
	const value = (await db.settings.get(SEEN_REFUSALS_SETTING))?.value;
	return new Set(Array.isArray(value) ? value.filter((id) => typeof id === 'string') : []);
}

/** `userId`'s refused changes not told of yet, newest first. */
export function untoldRefusals(db: AppDatabase, userId: string): Promise<RefusedRow[]> {
	return db.transaction('r', [db.refused, db.settings], async () => {
		const seen = await seenIds(db);
		const rows = await db.refused.orderBy('refusedAt').reverse().toArray();
		return rows.filter((row) => row.event.by.userId === userId && !seen.has(row.eventId));
	});
}

/**
 * Marks refused changes as told. Ids of rows no longer refused are forgotten on the way, so the
 * list stays as short as the refused table.
 */
export function markRefusalsTold(db: AppDatabase, eventIds: readonly string[]): Promise<void> {
	return db.transaction('rw', [db.refused, db.settings], async () => {
		const seen = await seenIds(db);
		const before = seen.size;
		for (const id of eventIds) seen.add(id);
		if (seen.size === before) return;
		const refused = new Set((await db.refused.toCollection().primaryKeys()) as string[]);
		const kept = [...seen].filter((id) => refused.has(id));
		await db.settings.put({ key: SEEN_REFUSALS_SETTING, value: kept });
	});
}
