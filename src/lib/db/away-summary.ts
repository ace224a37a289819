// The "since you were last online" summary as the Dashboard shows it: with names for its documents
// and orgs from the read models (the ids where this device knows no name).
import { parseDocumentName } from '$lib/domain/documents';
import type { AwaySummary } from '$lib/sync/away';
import { AWAY_SUMMARY_SETTING, type AppDatabase } from './app-database';
import { orgLegalName } from './author-names';

export interface NamedAwaySummary {
	summary: AwaySummary;
	/** a label per document name of the summary's items */
	documents: Map<string, string>;
	/** a name per org id that wrote them */
	orgs: Map<string, string>;
}

export async function namedAwaySummary(db: AppDatabase): Promise<NamedAwaySummary | null> {
	const summary = (await db.settings.get(AWAY_SUMMARY_SETTING))?.value as AwaySummary | undefined;
	if (!summary || summary.items.length === 0) return null;
	const orgs = new Map<string, string>();
	const orgName = async (orgId: string) => {
		let name = orgs.get(orgId);
		if (name === undefined) {
			name = (await orgLegalName(db, orgId)) ?? orgId;
			orgs.set(orgId, name);
		}
		return name;
	};
	const documents = new Map<string, string>();
	for (const item of summary.items) {
		await orgName(item.byOrgId);
		const ref = parseDocumentName(item.doc);
		let label = item.doc;
		if (ref?.kind === 'customer') {
			label = (await db.customers.get(ref.customerId))?.legalName ?? ref.customerId;
		} else if (ref?.kind === 'org') {
			label = await orgName(ref.orgId);
		} else if (ref?.kind === 'partnership') {
			label = `${await orgName(ref.providerId)} – ${await orgName(ref.resellerId)}`;
		}
		documents.set(item.doc, label);
	}
	return { summary, documents, orgs };
}

export function dismissAwaySummary(db: AppDatabase): Promise<void> {
	return db.settings.delete(AWAY_SUMMARY_SETTING);
}
