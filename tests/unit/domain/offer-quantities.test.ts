// The offer catalog's quantity rule, shared by the order form and provisioning.
import { describe, expect, it } from 'vitest';
import { findOffer, quantityProblem, type Offer } from '$lib/domain/offers';

const basic = findOffer('business-basic') as Offer;

describe('offer quantities', () => {
	it('accepts a new subscription within the offer’s limits and names them when outside', () => {
		expect(quantityProblem(basic, 1)).toBeNull();
		expect(quantityProblem(basic, 300)).toBeNull();
		for (const quantity of [0, 301, 2.5, Number.NaN]) {
			expect(quantityProblem(basic, quantity)).toEqual({
				kind: 'range',
				offer: 'Business Basic',
				min: 1,
				max: 300
			});
		}
	});

	it('keeps licenses added to a subscription within the offer’s maximum in all', () => {
		expect(quantityProblem(basic, 10, 290)).toBeNull();
		expect(quantityProblem(basic, 11, 290)).toEqual({
			kind: 'total',
			offer: 'Business Basic',
			max: 300,
			room: 10
		});
		expect(quantityProblem(basic, 0, 10)).toEqual({ kind: 'whole' });
		expect(quantityProblem(basic, 1.5, 10)).toEqual({ kind: 'whole' });
	});
});
