// "Since you were last online": what other people changed in the user's documents while this
// device had no contact with the sync server. A document's baseline is its Yjs state vector when
// contact was lost (or as stored when the app started); after it syncs again, the log entries the
// baseline lacks and someone else wrote are counted by document, event type and org.
import * as Y from 'yjs';
import { LOG_KEY } from '$lib/domain/documents';

/** Away for less than this, a reconnect is a blip, not worth a summary. */
export const AWAY_THRESHOLD_MS = 10 * 60_000;

export interface AwayItem {
	doc: string;
	type: string;
	byOrgId: string;
	count: number;
}

export interface AwaySummary {
	/** last contact with the server before the absence (epoch ms) */
	since: number;
	/** when contact came back */
	until: number;
	items: AwayItem[];
}

export type StateVector = Map<number, number>;

export function stateVectorOf(doc: Y.Doc): StateVector {
	return Y.decodeStateVector(Y.encodeStateVector(doc));
}

/** The log entries of `doc` that `baseline` lacks and `selfUserId` did not write, counted. */
export function changesSince(
	doc: Y.Doc,
	name: string,
	baseline: StateVector,
	selfUserId: string
): AwayItem[] {
	const counts = new Map<string, AwayItem>();
	const log = doc.getArray(LOG_KEY);
	for (let item = log._start; item !== null; item = item.right) {
		if (item.deleted || !item.countable) continue;
		const known = baseline.get(item.id.client) ?? 0;
		const entries = item.content.getContent();
		entries.forEach((entry, offset) => {
			if (item.id.clock + offset < known) return;
			const event = entry as { type?: unknown; by?: { userId?: unknown; orgId?: unknown } } | null;
			if (typeof event?.type !== 'string' || typeof event.by?.orgId !== 'string') return;
			if (event.by.userId === selfUserId) return;
			const key = `${event.type}\u0000${event.by.orgId}`;
			const counted = counts.get(key);
			if (counted) counted.count += 1;
			else counts.set(key, { doc: name, type: event.type, byOrgId: event.by.orgId, count: 1 });
		});
	}
	return [...counts.values()];
}

/** Adds `items` to the summary not yet dismissed (it then spans from its first absence). */
export function mergeSummary(
	previous: AwaySummary | undefined,
	since: number,
	until: number,
	items: readonly AwayItem[]
): AwaySummary {
	const base = previous ?? { since, until, items: [] };
	const merged = new Map(
		base.items.map((item) => [`${item.doc}\u0000${item.type}\u0000${item.byOrgId}`, { ...item }])
	);
	for (const item of items) {
		const key = `${item.doc}\u0000${item.type}\u0000${item.byOrgId}`;
		const existing = merged.get(key);
		if (existing) existing.count += item.count;
		else merged.set(key, { ...item });
	}
	return {
		since: Math.min(base.since, since),
		until: Math.max(base.until, until),
		items: [...merged.values()]
	};
}
