// Reads for the Indirect resellers and Indirect providers pages: an org's partnerships, what this
// device knows of each partner's name and country, their shared customers and superseded events.
// Partner names are remembered (settings row) once seen: a provider sees a reseller's org document
// only while it has admin access, and a reseller sees providers through the directory.
import type { OrgFacts, PartnerSide, PartnershipFacts } from '$lib/flows/partner-lists';
import type { AppDatabase } from './app-database';
import type { CustomerRelationshipRow } from './read-models/customer-relationships';
import type { SupersededRow } from './read-models/superseded';

/** Per org: the names its users' devices have seen of its partners (any of its users may see them). */
const partnerNamesSetting = (orgId: string) => `partnerNames:${orgId}`;

type NameBook = Record<string, { name: string; country: string | null }>;

export interface PartnerListData {
	partnerships: PartnershipFacts[];
	orgs: Map<string, OrgFacts>;
	relationships: CustomerRelationshipRow[];
	superseded: SupersededRow[];
}

async function nameBook(db: AppDatabase, orgId: string): Promise<NameBook> {
	const row = await db.settings.get(partnerNamesSetting(orgId));
	return (row?.value as NameBook | undefined) ?? {};
}

/** The name `orgId`'s devices remembered for `partnerId`, if any. */
export async function rememberedPartnerName(
	db: AppDatabase,
	orgId: string,
	partnerId: string
): Promise<string | undefined> {
	return (await nameBook(db, orgId))[partnerId]?.name;
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
	return db.transaction(
		'r',
		[db.partnerships, db.orgs, db.directoryEntries, db.settings],
		async () => {
			const partnerships = await db.partnerships
				.where(side === 'provider' ? 'providerId' : 'resellerId')
				.equals(orgId)
				.toArray();
			const partnerIds = partnerships.map((p) =>
				side === 'provider' ? p.resellerId : p.providerId
			);
			const orgs = new Map<string, OrgFacts>();
			for (const [id, known] of Object.entries(await nameBook(db, orgId))) orgs.set(id, known);
			for (const entry of await db.directoryEntries.bulkGet(partnerIds)) {
				if (entry) orgs.set(entry.providerId, { name: entry.legalName, country: entry.country });
			}
			for (const org of await db.orgs.bulkGet(partnerIds)) {
				if (org) orgs.set(org.orgId, { name: org.legalName, country: org.country });
			}
			return { partnerships, orgs };
		}
	);
}

/** Everything the partner list of `orgId` on `side` needs, read in one transaction. */
export function partnerListData(
	db: AppDatabase,
	side: PartnerSide,
	orgId: string
): Promise<PartnerListData> {
	const tables = [
		db.partnerships,
		db.orgs,
		db.directoryEntries,
		db.customerRelationships,
		db.superseded,
		db.settings
	];
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

/** Keeps partner names this device has seen, so a list still names a partner later. */
export async function rememberPartnerNames(
	db: AppDatabase,
	orgId: string,
	known: ReadonlyMap<string, OrgFacts>
): Promise<void> {
	await db.transaction('rw', db.settings, async () => {
		const book = await nameBook(db, orgId);
		let changed = false;
		for (const [id, org] of known) {
			const old = book[id];
			if (old?.name !== org.name || old.country !== org.country) {
				book[id] = { name: org.name, country: org.country };
				changed = true;
			}
		}
		if (changed) await db.settings.put({ key: partnerNamesSetting(orgId), value: book });
	});
}
