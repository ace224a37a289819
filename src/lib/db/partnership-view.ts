// Read for the partnership page: one provider–reseller partnership as this device holds it, the
// names of both orgs (as far as the device knows them) and the changes of it that did not apply.
import { documentName } from '$lib/domain/documents';
import type { AppDatabase } from './app-database';
import { orgLegalName } from './author-names';
import { rememberedPartnerName } from './partner-list';
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
	return db.transaction(
		'r',
		[db.partnerships, db.orgs, db.directoryEntries, db.superseded, db.settings],
		async () => {
			return {
				doc,
				partnership: await db.partnerships.get(doc),
				providerName:
					(await orgLegalName(db, providerId)) ??
					(await rememberedPartnerName(db, resellerId, providerId)),
				resellerName:
					(await orgLegalName(db, resellerId)) ??
					(await rememberedPartnerName(db, providerId, resellerId)),
				superseded: await db.superseded
					.where('[doc+eventId]')
					.between([doc], [doc, []], true, true)
					.toArray()
			};
		}
	);
}
