// After a document was rebuilt from the server (or pending work came back from the stash): the
// still-pending events it lacks are checked again and appended anew, or kept aside as refused.
import type { AppDatabase } from '$lib/db/app-database';
import type { OutboxRow } from '$lib/db/local-records';
import { pendingOf, refuseEntries } from '$lib/db/outbox';
import { checkAppend, type Actor } from '$lib/flows/documents/append-gate';
import type { DocumentReplica } from './document-replica';

/** Outbox rows whose Yjs item is in no document any more (stashed work); re-appended on sync. */
export const ORPHAN_CLIENT_ID = -1;

export interface ReplayResult {
	reappended: string[];
	refused: Array<{ eventId: string; code: string }>;
	alreadyThere: string[];
}

/**
 * Re-appends `doc`'s pending events missing from `replica` (all of them, or only orphans) as new
 * Yjs items. An event `checkAppend` now refuses is moved to the refused table with that reason;
 * one the server's copy already holds is delivered. With no actor (roles unknown yet) nothing moves.
 */
export async function replayPending(
	db: AppDatabase,
	replica: DocumentReplica,
	actor: Actor | undefined,
	options: { onlyOrphans: boolean }
): Promise<ReplayResult> {
	const result: ReplayResult = { reappended: [], refused: [], alreadyThere: [] };
	const pending = (await pendingOf(db, replica.name)).filter(
		(row) => !options.onlyOrphans || row.clientId === ORPHAN_CLIENT_ID
	);
	if (pending.length === 0 || !actor) return result;
	const allowed: OutboxRow[] = [];
	for (const row of pending) {
		if (replica.hasEvent(row.eventId)) {
			result.alreadyThere.push(row.eventId);
			continue;
		}
		const check = checkAppend(replica.ref, replica.state, row.event, actor);
		if (check.ok) allowed.push(row);
		else result.refused.push({ eventId: row.eventId, code: check.code });
	}
	await db.outbox.bulkDelete(result.alreadyThere);
	for (const { eventId, code } of result.refused) await refuseEntries(db, [eventId], code);
	if (allowed.length > 0) {
		await replica.appendLocal(
			allowed.map((row) => ({ event: row.event, summary: row.summary, madeAt: row.at }))
		);
		result.reappended = allowed.map((row) => row.eventId);
	}
	return result;
}
