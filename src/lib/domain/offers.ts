// The program's offer catalog: what an order may buy, with its terms and quantity limits.

export const SUBSCRIPTION_TERMS = ['monthly', 'annual'] as const;
export type SubscriptionTerm = (typeof SUBSCRIPTION_TERMS)[number];

export interface Offer {
	readonly offerId: string;
	readonly name: string;
	readonly terms: readonly SubscriptionTerm[];
	readonly minQuantity: number;
	readonly maxQuantity: number;
}

export const OFFER_CATALOG: readonly Offer[] = [
	{
		offerId: 'business-basic',
		name: 'Business Basic',
		terms: ['monthly', 'annual'],
		minQuantity: 1,
		maxQuantity: 300
	},
	{
		offerId: 'business-standard',
		name: 'Business Standard',
		terms: ['monthly', 'annual'],
		minQuantity: 1,
		maxQuantity: 300
	},
	{
		offerId: 'business-premium',
		name: 'Business Premium',
		terms: ['monthly', 'annual'],
		minQuantity: 1,
		maxQuantity: 300
	},
	{
		offerId: 'enterprise-e3',
		name: 'Enterprise E3',
		terms: ['annual'],
		minQuantity: 1,
		maxQuantity: 10_000
	},
	{
		offerId: 'cloud-storage-1tb',
		name: 'Cloud Storage 1 TB',
		terms: ['monthly', 'annual'],
		minQuantity: 1,
		maxQuantity: 1_000
	}
];

/** Licenses a single order line may add, whatever the offer. */
export const MAX_LINE_QUANTITY = 10_000;

const byId = new Map(OFFER_CATALOG.map((offer) => [offer.offerId, offer]));

export function findOffer(offerId: string): Offer | undefined {
	return byId.get(offerId);
}

/** Why a quantity does not fit an offer: outside its range, or a total past its maximum. */
export type QuantityProblem =
	| { readonly kind: 'range'; readonly offer: string; readonly min: number; readonly max: number }
	| { readonly kind: 'total'; readonly offer: string; readonly max: number; readonly room: number }
	| { readonly kind: 'whole' };

/**
 * The offer's quantity limits, one rule for the order form and for provisioning: a new subscription
 * of `quantity` within [min, max]; `quantity` licenses added to a subscription holding `current`
 * keep the total within max. Null when it fits.
 */
export function quantityProblem(
	offer: Offer,
	quantity: number,
	current: number | null = null
): QuantityProblem | null {
	if (current === null) {
		const fits =
			Number.isInteger(quantity) && quantity >= offer.minQuantity && quantity <= offer.maxQuantity;
		return fits
			? null
			: { kind: 'range', offer: offer.name, min: offer.minQuantity, max: offer.maxQuantity };
	}
	if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
		return { kind: 'whole' };
	}
	return current + quantity > offer.maxQuantity
		? {
				kind: 'total',
				offer: offer.name,
				max: offer.maxQuantity,
				room: Math.max(0, offer.maxQuantity - current)
			}
		: null;
}
