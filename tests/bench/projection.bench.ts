// Measures the projection of one customer document holding a 100,000-event log: full replay, and the
// cost of each event appended to an up-to-date projector. A measurement, not a test: it prints
// `name value unit` lines (median of several runs) and a human summary.
import { formatHlc } from '../../src/lib/domain/clock';
import type { DomainEvent, EventType, PayloadOf } from '../../src/lib/domain/events';
import { PROGRAM_ORG_ID, SYSTEM_USER_ID } from '../../src/lib/domain/ids';
import { createProjector, projectLog } from '../../src/lib/flows/documents/projection';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const APPENDED = 2_000;
const T0 = 1_750_000_000_000;
const customer = { kind: 'customer', customerId: 'contoso' } as const;
const system = { userId: SYSTEM_USER_ID, orgId: PROGRAM_ORG_ID };
const reseller = { userId: 'rita', orgId: 'reseller-1' };
const provider = { userId: 'paul', orgId: 'provider-1' };

/** A realistic mix: tenant users come and go, orders are provisioned, licenses assigned and freed. */
function buildLog(size: number): DomainEvent[] {
	const log: DomainEvent[] = [];
	const push = <T extends EventType>(type: T, by: typeof system, payload: PayloadOf<T>) => {
		const n = log.length;
		log.push({
			id: `e-${n}`,
			type,
			at: formatHlc({ wall: T0 + n * 10, counter: 0, node: 'bench' }),
			by,
			payload
		} as DomainEvent);
	};
	push('customer.created', system, {
		legalName: 'Contoso',
		domain: 'contoso.example.com',
		country: 'JP'
	});
	push('relationship.requested', system, {
		relationshipId: 'rel-1',
		invitationId: 'inv-1',
		resellerId: reseller.orgId,
		providerId: provider.orgId,
		expiresAt: T0 + 7 * 86_400_000
	});
	push('relationship.accepted', { userId: 'carol', orgId: 'contoso' }, { relationshipId: 'rel-1' });
	let users = 0;
	let round = 0;
	let orders = 0;
	const subscriptions: string[] = [];
	const assigned: Array<[string, string]> = [];
	while (log.length < size) {
		const step = round++ % 10;
		if (subscriptions.length === 0 || step === 0) {
			const orderId = `order-${orders++}`;
			push('order.submitted', provider, {
				orderId,
				onBehalfOf: reseller.orgId,
				lines: [
					{ kind: 'newSubscription', offerId: 'business-basic', term: 'annual', quantity: 50 }
				]
			});
			push('order.provisioned', system, {
				orderId,
				newSubscriptions: [
					{ lineIndex: 0, subscriptionId: `sub-${orderId}`, renewsAt: T0 + 365 * 86_400_000 }
				]
			});
			subscriptions.push(`sub-${orderId}`);
		} else if (step < 4 || assigned.length === 0) {
			const tenantUserId = `tu-${users++}`;
			push('tenantUser.added', reseller, {
				tenantUserId,
				displayName: `User ${users}`,
				userName: `user${users}@contoso.example.com`
			});
			const subscriptionId = subscriptions[users % subscriptions.length] as string;
			push('license.assigned', reseller, { subscriptionId, tenantUserId });
			assigned.push([subscriptionId, tenantUserId]);
		} else if (step < 8) {
			const [subscriptionId, tenantUserId] = assigned.shift() as [string, string];
			push('license.unassigned', reseller, { subscriptionId, tenantUserId });
			push('tenantUser.removed', reseller, { tenantUserId });
		} else {
			// Refused on purpose (unknown subscription): superseded events cost time too.
			push('license.assigned', reseller, { subscriptionId: 'sub-missing', tenantUserId: 'tu-0' });
		}
	}
	return log.slice(0, size);
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] as number;
}

const gc = (globalThis as { gc?: () => void }).gc;
// JSON round trip: replay what a Yjs document hands back (fresh plain objects), not shared ones.
const log = JSON.parse(JSON.stringify(buildLog(EVENTS))) as unknown[];
const head = log.slice(0, EVENTS - APPENDED);
const tail = log.slice(EVENTS - APPENDED);

projectLog(customer, log); // warm-up: JIT and the machines' memoized steps
const full: number[] = [];
const perEvent: number[] = [];
let superseded = 0;
for (let run = 0; run < RUNS; run++) {
	gc?.();
	let start = performance.now();
	const state = projectLog(customer, log);
	full.push(performance.now() - start);
	superseded = state.superseded.length;

	const projector = createProjector(customer);
	projector.append(head);
	gc?.();
	start = performance.now();
	for (const entry of tail) projector.append([entry]);
	perEvent.push((performance.now() - start) / tail.length);
}

const fullMs = median(full);
const appendMs = median(perEvent);
console.log(`projection.full_replay_ms ${fullMs.toFixed(1)} ms`);
console.log(`projection.full_replay_per_event_us ${((fullMs * 1000) / EVENTS).toFixed(2)} us`);
console.log(`projection.append_per_event_ms ${appendMs.toFixed(4)} ms`);
console.log(
	`# ${EVENTS.toLocaleString('en')} events (${superseded.toLocaleString('en')} superseded): full replay ${fullMs.toFixed(0)} ms (target < 1000 ms), ` +
		`one appended event ${(appendMs * 1000).toFixed(1)} µs (target < 100 µs); median of ${RUNS} runs`
);
