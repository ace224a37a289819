// Names for the authors of events (people and orgs) as far as this device knows them: an org's
// legal name from its org document or the partner directory, a person's name from their org's user
// list (only readable for the user's own org and partners it may see). Unknown ones stay unnamed.
import type { Author } from '$lib/domain/events';
import type { AppDatabase } from './app-database';

/** An org's legal name from the read models, or undefined where this device knows none. */
export async function orgLegalName(db: AppDatabase, orgId: string): Promise<string | undefined> {
	const org = await db.orgs.get(orgId);
	if (org?.legalName) return org.legalName;
	return (await db.directoryEntries.get(orgId))?.legalName;
}

export interface AuthorName {
	/** the person's full name, when their org's user list is on this device */
	person?: string;
	/** the org's legal name (its id where unknown) */
	org: string;
}

/** Names of `authors`, keyed `orgId/userId`. */
export async function authorNames(
	db: AppDatabase,
	authors: readonly Author[]
): Promise<Map<string, AuthorName>> {
	const names = new Map<string, AuthorName>();
	for (const { orgId, userId } of authors) {
		const key = `${orgId}/${userId}`;
		if (names.has(key)) continue;
		const person = (await db.orgUsers.get([orgId, userId]))?.fullName;
		const org = (await orgLegalName(db, orgId)) ?? orgId;
		names.set(key, person ? { person, org } : { org });
	}
	return names;
}
