// Read for the partnership page: one provider–reseller partnership as this device holds it, the
// names of both orgs (as far as the device knows them) and the changes of it that did not apply.
import { documentName } from '$lib/domain/documents';
import type { AppDatabase } from './app-database';
import { knownOrgs, nameTables } from './names';
import type { PartnershipRow } from './read-models/partnerships';
import type { SupersededRow } from './read-models/superseded';

export interface PartnershipView {
	doc: string;
	partnership: PartnershipRow | undefined;
	providerName: string | undefined;
	resellerName: string | undefined;
	superseded: SupersededRow[];
}

export function partnershipView(
	db: AppDatabase,
	providerId: string,
	resellerId: string
): Promise<PartnershipView> {
	const doc = documentName({ kind: 'partnership', providerId, resellerId });
	return db.transaction('r', [db.partnerships, db.superseded, ...nameTables(db)], async () => {
		// Each side remembers the other's name: ask with the memory of the side that is not named.
		const provider = (await knownOrgs(db, [providerId], resellerId)).get(providerId);
		const reseller = (await knownOrgs(db, [resellerId], providerId)).get(resellerId);
		return {
			doc,
			partnership: await db.partnerships.get(doc),
			providerName: provider?.name,
			resellerName: reseller?.name,
			superseded: await db.superseded
				.where('[doc+eventId]')
				.between([doc], [doc, []], true, true)
				.toArray()
		};
	});
}
