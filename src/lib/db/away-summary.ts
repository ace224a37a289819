// The "since you were last online" summary as the Dashboard shows it: with names for its documents
// and orgs from the names module (words, never ids, where this device knows no name).
import { parseDocumentName } from '$lib/domain/documents';
import { m } from '$lib/i18n/paraglide/messages.js';
import type { AwaySummary } from '$lib/sync/away';
import { AWAY_SUMMARY_SETTING, type AppDatabase } from './app-database';
import { readNames, type Names } from './names';

export interface NamedAwaySummary {
	summary: AwaySummary;
	/** the orgs that wrote its items and those its documents belong to */
	names: Names;
}

/** The orgs a document belongs to: a customer, an org, or both sides of a partnership. */
function documentOrgs(doc: string): string[] {
	const ref = parseDocumentName(doc);
	if (ref?.kind === 'customer') return [ref.customerId];
	if (ref?.kind === 'org') return [ref.orgId];
	if (ref?.kind === 'partnership') return [ref.providerId, ref.resellerId];
	return [];
}

export async function namedAwaySummary(db: AppDatabase): Promise<NamedAwaySummary | null> {
	const summary = (await db.settings.get(AWAY_SUMMARY_SETTING))?.value as AwaySummary | undefined;
	if (!summary || summary.items.length === 0) return null;
	const orgIds = summary.items.flatMap((item) => [item.byOrgId, ...documentOrgs(item.doc)]);
	return { summary, names: await readNames(db, { orgIds }) };
}

/** A summary item's document in words: its org's name, or both partners' for a partnership. */
export function awayDocumentLabel(names: Names, doc: string): string {
	if (parseDocumentName(doc)?.kind === 'directory') return m.names_partner_directory();
	return documentOrgs(doc)
		.map((orgId) => names.org(orgId))
		.join(' – ');
}

export function dismissAwaySummary(db: AppDatabase): Promise<void> {
	return db.settings.delete(AWAY_SUMMARY_SETTING);
}
