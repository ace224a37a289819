// Reads for the Indirect resellers and Indirect providers pages: an org's partnerships, what this
// device knows of each partner's name and country, their shared customers and superseded events.
// Partner names come from the names module ($lib/db/names), which also remembers them once seen:
// a provider sees a reseller's org document only while it has admin access.
import type { OrgFacts, PartnerSide, PartnershipFacts } from '$lib/flows/partnership/partner-lists';
import type { AppDatabase } from './app-database';
import type { Names } from '$lib/i18n/names';
import { knownOrgs, nameTables, readNames } from './names';
import type { CustomerRelationshipRow } from './read-models/customer-relationships';
import type { InvitationRow } from './read-models/invitations';
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

/** The customer links an org sent, with the names of the providers combined ones name. */
export interface SentCustomerLinks {
	readonly invitations: readonly InvitationRow[];
	readonly names: Names;
}

/** Read together, so a link never shows before its provider's name. */
export function sentCustomerLinks(db: AppDatabase, orgId: string): Promise<SentCustomerLinks> {
	return db.transaction('r', [db.invitations, ...nameTables(db)], async () => {
		const invitations = await db.invitations
			.where('[orgId+invitationId]')
			.between([orgId], [orgId, []], true, true)
			.toArray();
		const providerIds = invitations.flatMap((i) => (i.providerId ? [i.providerId] : []));
		return {
			invitations,
			names: await readNames(db, { orgIds: providerIds, viewerOrgId: orgId })
		};
	});
}
