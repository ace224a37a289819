// The order machine, shared by the app and the server: every state and refusal.
import { orderMachine, orderRefusals } from '$lib/flows/order/order.machine';
import { describe, it } from 'vitest';
import { provider, relationship, reseller, subscription } from '../actors';
import { expectFullCoverage, exploreLogMachine } from '../machine-paths';
import { SAMPLE_PAYLOADS } from '../samples';
import { customerWorld, DAY, fact, stamp, T0 } from '../worlds';

describe('order machine', () => {
	it('reaches every state and exercises every guard along generated paths', () => {
		const combined = customerWorld((doc) => {
			doc.relationships['rel-1'] = relationship({ combined: true, providerId: 'prov' });
			doc.subscriptions['sub-1'] = subscription({ quantity: 290 });
			doc.orders['o-1'] = {
				orderId: 'o-1',
				lines: SAMPLE_PAYLOADS['order.submitted'].lines,
				status: 'submitted',
				submittedBy: provider,
				onBehalfOf: 'resl',
				providerId: 'prov',
				failureReason: null,
				submitted: stamp,
				closed: null
			};
		});
		const none = customerWorld();
		const sample = SAMPLE_PAYLOADS['order.submitted'];
		const newLine = {
			kind: 'newSubscription',
			offerId: 'business-basic',
			term: 'annual',
			quantity: 10
		} as const;
		const facts = [
			fact('order.submitted', { ...sample, onBehalfOf: 'resl' }, combined, { by: provider }),
			fact('order.submitted', sample, none, { by: provider }),
			fact(
				'order.submitted',
				{ ...sample, lines: [{ ...newLine, offerId: 'no-such-offer' }] },
				combined,
				{ by: reseller }
			),
			fact('order.submitted', { ...sample, lines: [{ ...newLine, quantity: 301 }] }, combined, {
				by: reseller
			}),
			fact(
				'order.submitted',
				{ ...sample, lines: [{ kind: 'addLicenses', subscriptionId: 'sub-1', quantity: 20 }] },
				combined,
				{ by: reseller }
			),
			fact(
				'order.submitted',
				{ ...sample, lines: [{ kind: 'addLicenses', subscriptionId: 'sub-9', quantity: 1 }] },
				combined,
				{ by: reseller }
			),
			fact(
				'order.provisioned',
				{
					orderId: 'o-1',
					newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-new', renewsAt: T0 + 365 * DAY }]
				},
				combined
			),
			fact('order.provisioned', { orderId: 'o-1', newSubscriptions: [] }, combined),
			fact('order.failed', SAMPLE_PAYLOADS['order.failed'], combined)
		];
		expectFullCoverage(orderMachine, exploreLogMachine(orderMachine, orderRefusals, facts));
	});
});
