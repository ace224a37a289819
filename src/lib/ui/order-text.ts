// An order line and a failure reason in words, the same on the record's order list and in the
// order form's summary of the change (which the outbox, Pending changes and the shell's notices
// show).
import { hasErrorCodeShape } from '$lib/domain/errors';
import type { OrderLine } from '$lib/domain/events';
import { findOffer, type QuantityProblem } from '$lib/domain/offers';
import { errorMessage } from '$lib/i18n/error-message';
import { m } from '$lib/i18n/paraglide/messages.js';

const TERMS: Record<string, () => string> = {
	monthly: m.customers_term_monthly,
	annual: m.customers_term_annual
};

/** The term's label (Monthly, Annual), or the value itself for one this build does not know. */
export function termLabel(term: string): string {
	return TERMS[term]?.() ?? term;
}

/** One line: a new subscription, or more licenses on the subscription `offerOfSubscription` names. */
export function describeOrderLine(
	line: OrderLine,
	offerOfSubscription: (subscriptionId: string) => string | undefined
): string {
	return line.kind === 'newSubscription'
		? m.orders_line_new({
				offer: findOffer(line.offerId)?.name ?? line.offerId,
				term: termLabel(line.term),
				quantity: line.quantity
			})
		: m.orders_line_add({
				offer: offerOfSubscription(line.subscriptionId) ?? line.subscriptionId,
				quantity: line.quantity
			});
}

/** Failure reasons are error codes; outcomes from before that (the program's own text) are kept. */
export function failureReasonText(reason: string): string {
	return hasErrorCodeShape(reason) ? errorMessage(reason) : reason;
}

/** The form's message key for a quantity the offer does not allow. */
export function quantityMessageKey(problem: QuantityProblem): string {
	return {
		range: 'orders_quantity_range',
		total: 'orders_quantity_total',
		whole: 'orders_quantity_not_whole'
	}[problem.kind];
}
