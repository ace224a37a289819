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
