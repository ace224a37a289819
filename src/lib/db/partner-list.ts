// Reads for the Indirect resellers and Indirect providers pages: an org's partnerships, what this
// device knows of each partner's name and country, their shared customers and superseded events.
// Partner names come from the names module ($lib/db/names), which also remembers them once seen:
// a provider sees a reseller's org document only while it has admin access.
import type { OrgFacts, PartnerSide, PartnershipFacts } from '$lib/flows/partnership/partner-lists';
import type { AppDatabase } from './app-database';
import { knownOrgs, nameTables } from './names';
import type { CustomerRelationshipRow } from './read-models/customer-relationships';
import type { SupersededRow } from './read-models/superseded';

export interface PartnerListData {
	partnerships: PartnershipFacts[];
	orgs: Map<string, OrgFacts>;
	relationships: CustomerRelationshipRow[];
	superseded: SupersededRow[];
}

/**
 * The partnerships of `orgId` on `side` and their partners' names: no customer rows, so a page
 * that only names partners (Customers) is not queried again for every customer that syncs.
 */
export function partnerOrgs(
	db: AppDatabase,
	side: PartnerSide,
	orgId: string
): Promise<Pick<PartnerListData, 'partnerships' | 'orgs'>> {
	return db.transaction('r', [db.partnerships, ...nameTables(db)], async () => {
		const partnerships = await db.partnerships
			.where(side === 'provider' ? 'providerId' : 'resellerId')
			.equals(orgId)
			.toArray();
		const partnerIds = partnerships.map((p) => (side === 'provider' ? p.resellerId : p.providerId));
		const orgs: Map<string, OrgFacts> = await knownOrgs(db, partnerIds, orgId);
		return { partnerships, orgs };
	});
}

/** Everything the partner list of `orgId` on `side` needs, read in one transaction. */
export function partnerListData(
	db: AppDatabase,
	side: PartnerSide,
	orgId: string
): Promise<PartnerListData> {
	const tables = [db.partnerships, db.superseded, ...nameTables(db)];
	return db.transaction('r', tables, async () => {
		const { partnerships, orgs } = await partnerOrgs(db, side, orgId);
		const relationships = await db.customerRelationships
			.where(side === 'provider' ? 'providerId' : 'resellerId')
			.equals(orgId)
			.toArray();
		const superseded: SupersededRow[] = [];
		for (const p of partnerships) {
			superseded.push(
				...(await db.superseded
					.where('[doc+eventId]')
					.between([p.doc], [p.doc, []], true, true)
					.toArray())
			);
		}
		return { partnerships, orgs, relationships, superseded };
	});
}
