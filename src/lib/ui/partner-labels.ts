// Words for partnership statuses, offers and countries/regions, in the chosen language.
import type { ProviderOffers } from '$lib/domain/model';
import { PROVIDER_OFFER_KEYS, type ProviderOfferKey } from '$lib/flows/partnership/partner-lists';
import { m } from '$lib/i18n/paraglide/messages.js';

const STATUS: Record<string, () => string> = {
	invited: m.partners_status_invited,
	authorized: m.partners_status_authorized,
	adminAccessRemoved: m.partners_status_admin_access_removed,
	revoked: m.partners_status_withdrawn,
	expired: m.partners_status_expired,
	ended: m.partners_status_ended
};

export function partnerStatusLabel(row: { status: string }): string {
	return STATUS[row.status]?.() ?? row.status;
}

export const OFFER_LABELS: Record<ProviderOfferKey, () => string> = {
	technicalTraining: m.partners_offer_training,
	marketingHelp: m.partners_offer_marketing,
	financing: m.partners_offer_financing
};

/** The offers a provider lists, as words ('—' for none). */
export function offersText(offers: ProviderOffers): string {
	const listed = PROVIDER_OFFER_KEYS.filter((key) => offers[key]).map((key) => OFFER_LABELS[key]());
	return listed.length > 0 ? listed.join(', ') : '—';
}

/** A country/region's name in the current language (one helper, in the i18n formatters). */
export { regionName } from '$lib/i18n/format';
