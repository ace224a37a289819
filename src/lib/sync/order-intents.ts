// Orders a partner of record submits for a customer (new subscriptions, more licenses), as
// `order.submitted` on `customer/<id>`: works offline (outbox), the program provisions it once
// delivered, and that (order.provisioned or order.failed, written by the server) is the decision.
// The device follows each order it submits: a failure after the person moved on reaches the shell.
import { db } from '$lib/db/db';
import { followOrder } from '$lib/db/refusal-notices';
import { documentName } from '$lib/domain/documents';
import type { OrderLine } from '$lib/domain/events';
import { createIdGenerator } from '$lib/domain/ids';
import type { CustomerRef } from './customer-intents';
import type { DecisionSource } from './decision';
import type { AppendResult } from './sync-engine';
import { syncClient } from './sync-client.svelte';

const newOrderId = createIdGenerator((bytes) => crypto.getRandomValues(bytes));

export type SubmittedOrder = AppendResult & { orderId: string };

/**
 * Submits an order for the customer: `onBehalfOf` is the reseller of record when a provider orders
 * (the partner of record), null when the reseller orders itself.
 */
export async function submitOrder(
	customer: CustomerRef,
	order: { onBehalfOf: string | null; lines: OrderLine[]; description: string }
): Promise<SubmittedOrder> {
	const orderId = newOrderId();
	const doc = documentName({ kind: 'customer', customerId: customer.customerId });
	const summary = {
		key: 'orders_summary_submitted',
		params: { order: order.description, customer: customer.legalName }
	};
	const result = await syncClient.append(
		doc,
		'order.submitted',
		{ orderId, onBehalfOf: order.onBehalfOf, lines: order.lines },
		summary
	);
	if (result.ok) {
		const eventId = result.eventId;
		await followOrder(db, { customerId: customer.customerId, orderId, eventId, doc, summary });
	}
	return { ...result, orderId };
}

/**
 * An order's decision: the server may refuse the `order.submitted` itself, and once it stored it
 * the program provisions the order or records why it failed (the order's row says which).
 */
export function orderDecision(
	customerId: string,
	orderId: string,
	eventId: string
): DecisionSource {
	return {
		eventId,
		outcome: async (db) => {
			const row = await db.orders.get([customerId, orderId]);
			if (row?.status === 'provisioned') return { ok: true };
			if (row?.status === 'failed') {
				return { ok: false, code: row.failureReason ?? 'error_unexpected' };
			}
			return undefined;
		}
	};
}
