// The signed-in org's program standing, from its org document's read models on this device (the
// same rule the server applies: partner-standing.ts), so partner pages say why before anyone tries.
import type { PartnerStanding } from '$lib/flows/enrollment/partner-standing';
import { standingOf } from '$lib/flows/enrollment/partner-standing';
import type { AppDatabase } from './app-database';

/** null until the org's profile has synced to this device (nothing is said before it is known). */
export async function ownStanding(db: AppDatabase, orgId: string): Promise<PartnerStanding | null> {
	const [org, application] = await Promise.all([db.orgs.get(orgId), db.enrollment.get(orgId)]);
	return org ? standingOf(org, application?.status ?? 'notStarted') : null;
}
