// The signed-in user's data on this device: whose it is, clearing it at sign-out, keeping another
// user's unsynced work out of sight (never discarded), and exporting pending work as JSON.
import { DATA_OWNER_SETTING, USER_DATA_SETTINGS, type AppDatabase } from './app-database';
import type { OutboxRow, RefusedRow } from './local-records';
import { READ_MODEL_TABLES } from './read-models';

/** Pending and refused work a user left on the device when someone else signed in. */
export interface StashedWork {
	userId: string;
	pending: OutboxRow[];
	refused: RefusedRow[];
}

const STASH_PREFIX = 'stashedWork:';

function documentTables(db: AppDatabase) {
	return [
		db.docUpdates,
		db.documents,
		db.docVersions,
		db.outbox,
		db.refused,
		db.drafts,
		...READ_MODEL_TABLES.map((name) => db.table(name))
	];
}

/** Deletes every document, read model, draft and pending change (settings and session stay). */
export async function clearDeviceData(db: AppDatabase): Promise<void> {
	await db.transaction('rw', [...documentTables(db), db.settings], async () => {
		for (const table of documentTables(db)) await table.clear();
		await db.settings.bulkDelete([DATA_OWNER_SETTING, ...USER_DATA_SETTINGS]);
	});
}

/**
 * Makes the device's data `userId`'s. Data of another user is cleared; that user's pending and
 * refused changes are stashed under their id (out of this user's sight) and come back when they
 * sign in again. Returns the work stashed earlier for `userId`, now taken out of the stash.
 */
export async function claimDeviceData(
	db: AppDatabase,
	userId: string
): Promise<StashedWork | undefined> {
	return db.transaction('rw', [...documentTables(db), db.settings], async () => {
		const owner = (await db.settings.get(DATA_OWNER_SETTING))?.value;
		if (owner !== userId) {
			if (typeof owner === 'string') {
				const pending = await db.outbox.toArray();
				const refused = await db.refused.toArray();
				if (pending.length + refused.length > 0) {
					const stash: StashedWork = { userId: owner, pending, refused };
					await db.settings.put({ key: STASH_PREFIX + owner, value: stash });
				}
			}
			for (const table of documentTables(db)) await table.clear();
			await db.settings.bulkDelete([...USER_DATA_SETTINGS]);
			await db.settings.put({ key: DATA_OWNER_SETTING, value: userId });
		}
		const mine = await db.settings.get(STASH_PREFIX + userId);
		if (!mine) return undefined;
		await db.settings.delete(STASH_PREFIX + userId);
		const stash = mine.value as StashedWork;
		await db.refused.bulkPut(stash.refused);
		return stash;
	});
}

/** The user's pending and refused changes as a JSON document they can keep or send to support. */
export async function exportPendingWork(
	db: AppDatabase,
	unsaved: readonly OutboxRow[] = []
): Promise<string> {
	const [pending, refused] = await db.transaction('r', [db.outbox, db.refused], () =>
		Promise.all([db.outbox.orderBy('at').toArray(), db.refused.orderBy('refusedAt').toArray()])
	);
	return JSON.stringify(
		{
			format: 'tiertwo-pending-work',
			version: 1,
			exportedAt: new Date().toISOString(),
			pending: [...pending, ...unsaved].map(({ eventId, doc, event, summary, at }) => ({
				eventId,
				doc,
				summary,
				madeAt: new Date(at).toISOString(),
				event
			})),
			refused: refused.map(({ eventId, doc, code, event, summary, at, refusedAt }) => ({
				eventId,
				doc,
				reason: code,
				summary,
				madeAt: new Date(at).toISOString(),
				refusedAt: new Date(refusedAt).toISOString(),
				event
			})),
			unsaved: unsaved.length
		},
		null,
		2
	);
}
