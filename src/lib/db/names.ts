// The one way the app names an organization or a person: from what this device's read models hold
// (an org's document, the partner directory, the customers list, the names a reseller relationship
// carried, the partner names this org's devices remembered; a person from their org's user list).
// Where this device knows no name the words say so: an id is never shown in its place (issue 21).
import type { Author } from '$lib/domain/events';
import { Names, personKey } from '$lib/i18n/names';
import type { AppDatabase } from './app-database';

/** An org as far as this device knows it. */
export interface KnownOrg {
	readonly name: string;
	readonly country: string | null;
}

/** Per org: the partner names its users' devices have seen (any of its users may see them). */
const rememberedNamesSetting = (orgId: string) => `partnerNames:${orgId}`;

type RememberedNames = Record<string, { name: string; country: string | null }>;

/** The tables a names read touches, for callers that read them in their own transaction. */
export function nameTables(db: AppDatabase) {
	return [
		db.orgs,
		db.orgUsers,
		db.directoryEntries,
		db.customers,
		db.customerRelationships,
		db.partnerships,
		db.settings
	];
}

async function rememberedNames(db: AppDatabase, orgId: string | null): Promise<RememberedNames> {
	if (!orgId) return {};
	const row = await db.settings.get(rememberedNamesSetting(orgId));
	return (row?.value as RememberedNames | undefined) ?? {};
}

/**
 * The name a reseller relationship or a partnership's invitation carried for `orgId` (a customer
 * cannot read its partners' orgs; a provider, its reseller's until authorized).
 */
async function relationshipName(db: AppDatabase, orgId: string): Promise<string | undefined> {
	const asReseller = await db.customerRelationships.where('resellerId').equals(orgId).first();
	if (asReseller?.resellerName) return asReseller.resellerName;
	const asProvider = await db.customerRelationships.where('providerId').equals(orgId).first();
	if (asProvider?.providerName) return asProvider.providerName;
	const invitedReseller = await db.partnerships
		.where('resellerId')
		.equals(orgId)
		.filter((row) => !!row.resellerName)
		.first();
	if (invitedReseller?.resellerName) return invitedReseller.resellerName;
	const invitedBy = await db.partnerships
		.where('providerId')
		.equals(orgId)
		.filter((row) => !!row.providerName)
		.first();
	return invitedBy?.providerName ?? undefined;
}

/**
 * What this device knows of each of `orgIds`, most authoritative source first: the org's own
 * document, the directory, the customers list, a relationship's request, then the names
 * `viewerOrgId`'s devices remembered. Orgs it knows nothing of are left out.
 */
export async function knownOrgs(
	db: AppDatabase,
	orgIds: Iterable<string>,
	viewerOrgId: string | null = null
): Promise<Map<string, KnownOrg>> {
	const remembered = await rememberedNames(db, viewerOrgId);
	const known = new Map<string, KnownOrg>();
	for (const orgId of new Set(orgIds)) {
		if (!orgId) continue;
		const org = await db.orgs.get(orgId);
		if (org?.legalName) {
			known.set(orgId, { name: org.legalName, country: org.country });
			continue;
		}
		const entry = await db.directoryEntries.get(orgId);
		if (entry) {
			known.set(orgId, { name: entry.legalName, country: entry.country });
			continue;
		}
		const customer = await db.customers.get(orgId);
		if (customer) {
			known.set(orgId, { name: customer.legalName, country: customer.country });
			continue;
		}
		const fromRequest = await relationshipName(db, orgId);
		const memory = Object.hasOwn(remembered, orgId) ? remembered[orgId] : undefined;
		if (fromRequest) known.set(orgId, { name: fromRequest, country: memory?.country ?? null });
		else if (memory) known.set(orgId, { name: memory.name, country: memory.country });
	}
	return known;
}

/** What to name: orgs, people (by author: their org and user id), and who is asking. */
export interface NameQuery {
	readonly orgIds?: Iterable<string>;
	readonly people?: Iterable<Author>;
	/** the signed-in user's org: the partner names its devices remembered count too */
	readonly viewerOrgId?: string | null;
}

/** The names of `query`'s orgs and people this device knows (run it inside a live query). */
export async function readNames(db: AppDatabase, query: NameQuery): Promise<Names> {
	const people = [...(query.people ?? [])];
	const orgIds = new Set([...(query.orgIds ?? []), ...people.map((person) => person.orgId)]);
	const orgs = new Map<string, string>();
	for (const [orgId, org] of await knownOrgs(db, orgIds, query.viewerOrgId ?? null)) {
		orgs.set(orgId, org.name);
	}
	const fullNames = new Map<string, string>();
	for (const author of people) {
		const key = personKey(author);
		if (fullNames.has(key)) continue;
		const user = await db.orgUsers.get([author.orgId, author.userId]);
		if (user?.fullName) fullNames.set(key, user.fullName);
	}
	return new Names(orgs, fullNames);
}

/** Keeps org names this device has seen for `viewerOrgId`, so its pages still name them later. */
export async function rememberOrgNames(
	db: AppDatabase,
	viewerOrgId: string,
	known: ReadonlyMap<string, KnownOrg>
): Promise<void> {
	await db.transaction('rw', db.settings, async () => {
		const book = await rememberedNames(db, viewerOrgId);
		let changed = false;
		for (const [id, org] of known) {
			const old = Object.hasOwn(book, id) ? book[id] : undefined;
			if (old?.name !== org.name || old.country !== org.country) {
				book[id] = { name: org.name, country: org.country };
				changed = true;
			}
		}
		if (changed) await db.settings.put({ key: rememberedNamesSetting(viewerOrgId), value: book });
	});
}
