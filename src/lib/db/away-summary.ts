// The "since you were last online" summary as the Dashboard shows it: with names for its documents
// and orgs from the names module (words, never ids, where this device knows no name), and its
// dismissal.
import type { AwaySummary } from '$lib/sync/away';
import { AWAY_SUMMARY_SETTING, type AppDatabase } from './app-database';
import { documentOrgs, type Names } from '$lib/i18n/names';
import { readNames } from './names';

export interface NamedAwaySummary {
	summary: AwaySummary;
	/** the orgs that wrote its items and those its documents belong to */
	names: Names;
}

export async function namedAwaySummary(db: AppDatabase): Promise<NamedAwaySummary | null> {
	const summary = (await db.settings.get(AWAY_SUMMARY_SETTING))?.value as AwaySummary | undefined;
	if (!summary || summary.items.length === 0) return null;
	const orgIds = summary.items.flatMap((item) => [item.byOrgId, ...documentOrgs(item.doc)]);
	return { summary, names: await readNames(db, { orgIds }) };
}

export function dismissAwaySummary(db: AppDatabase): Promise<void> {
	return db.settings.delete(AWAY_SUMMARY_SETTING);
}
