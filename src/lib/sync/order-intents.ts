// Orders a partner of record submits for a customer (new subscriptions, more licenses), as
// `order.submitted` on `customer/<id>`: works offline (outbox), the program provisions it once
// delivered.
import { documentName } from '$lib/domain/documents';
import type { OrderLine } from '$lib/domain/events';
import { createIdGenerator } from '$lib/domain/ids';
import type { QuantityProblem } from '$lib/domain/offers';
import type { CustomerRef } from './customer-intents';
import type { AppendResult } from './sync-engine';
import { syncClient } from './sync-client.svelte';

const newOrderId = createIdGenerator((bytes) => crypto.getRandomValues(bytes));

/** The form's message key for a quantity the offer does not allow. */
export function quantityMessageKey(problem: QuantityProblem): string {
	return {
		range: 'orders_quantity_range',
		total: 'orders_quantity_total',
		whole: 'orders_quantity_not_whole'
	}[problem.kind];
}

/**
 * Submits an order for the customer: `onBehalfOf` is the reseller of record when a provider orders
 * (the partner of record), null when the reseller orders itself.
 */
export function submitOrder(
	customer: CustomerRef,
	order: { onBehalfOf: string | null; lines: OrderLine[]; description: string }
): Promise<AppendResult> {
	return syncClient.append(
		documentName({ kind: 'customer', customerId: customer.customerId }),
		'order.submitted',
		{ orderId: newOrderId(), onBehalfOf: order.onBehalfOf, lines: order.lines },
		{
			key: 'orders_summary_submitted',
			params: { order: order.description, customer: customer.legalName }
		}
	);
}
