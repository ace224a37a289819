// What a reseller the program has not admitted is told on its partner pages (and the id the
// disabled buttons point their description at).
import type { PartnerStanding } from '$lib/flows/enrollment/partner-standing';
import { m } from '$lib/i18n/paraglide/messages.js';

/** The reason partner actions are unavailable, or null when the org may act. */
export function standingReason(standing: PartnerStanding | null | undefined): string | null {
	switch (standing) {
		case 'rejected':
			return m.partners_standing_rejected();
		case 'pending':
			return m.partners_standing_pending();
		default:
			return null;
	}
}
