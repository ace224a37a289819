// The list summaries the server sends (src/lib/db/read-models/summary.ts) stay equal to what the
// device's own projection of the whole document puts in the same tables, whatever events arrive in
// whatever order: the server computes them from its incremental projector after every update, the
// device from a fresh one once the document synced, and the lists must not change in between.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHlc } from '$lib/domain/clock';
import { documentName, type DocumentRef } from '$lib/domain/documents';
import type { EventType, PayloadOf } from '$lib/domain/events';
import { readModelRows } from '$lib/db/read-models';
import { SUMMARY_TABLES_BY_KIND, summaryRows } from '$lib/db/read-models/summary';
import { createProjector, projectLog } from '$lib/flows/documents/projection';
import { DAY, SYSTEM, T0, userAdded } from '../factories';

const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
console.log(
	`summary property: seed ${SEED}, ${RUNS} runs; replay with PROPERTY_SEED=${SEED} npx vitest run tests/unit/db/summary.property.test.ts`
);

const reseller = { userId: 'rio', orgId: 'contoso' };
const provider = { userId: 'pat', orgId: 'fabrikam' };
const customer = { userId: 'cam', orgId: 'tailspin' };

type Template = { type: EventType; by: { userId: string; orgId: string }; payload: unknown };
const t = <T extends EventType>(type: T, by: Template['by'], payload: PayloadOf<T>): Template => ({
	type,
	by,
	payload
});

const relationship = (id: string, providerId: string | null) =>
	t('relationship.requested', SYSTEM, {
		relationshipId: id,
		invitationId: `inv-${id}`,
		resellerId: 'contoso',
		providerId,
		expiresAt: T0 + 30 * DAY
	});

/** Per document kind: events in any order (valid, out of order, or not allowed at all). */
const pools: { ref: DocumentRef; pool: Template[] }[] = [
	{
		ref: { kind: 'customer', customerId: 'tailspin' },
		pool: [
			t('customer.created', SYSTEM, {
				legalName: 'Tailspin',
				domain: 'tailspin.example.com',
				country: 'JP'
			}),
			relationship('rel-1', 'fabrikam'),
			relationship('rel-2', null),
			t('relationship.accepted', customer, { relationshipId: 'rel-1' }),
			t('relationship.accepted', customer, { relationshipId: 'rel-2' }),
			t('relationship.declined', customer, { relationshipId: 'rel-2' }),
			t('relationship.ended', customer, { relationshipId: 'rel-1', scope: 'provider' }),
			t('relationship.ended', reseller, { relationshipId: 'rel-1', scope: 'all' }),
			t('order.submitted', provider, {
				orderId: 'o-1',
				onBehalfOf: 'contoso',
				lines: [{ kind: 'newSubscription', offerId: 'business-basic', term: 'annual', quantity: 3 }]
			}),
			t('order.provisioned', SYSTEM, {
				orderId: 'o-1',
				newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-1', renewsAt: T0 + 365 * DAY }]
			}),
			t('tenantUser.added', reseller, {
				tenantUserId: 'tu-a',
				displayName: 'A',
				userName: 'a@tailspin.example.com'
			}),
			t('license.assigned', reseller, { subscriptionId: 'sub-1', tenantUserId: 'tu-a' }),
			t('tenantUser.removed', customer, { tenantUserId: 'tu-a' })
		]
	},
	{
		ref: { kind: 'partnership', providerId: 'fabrikam', resellerId: 'contoso' },
		pool: [
			t('partnership.invited', SYSTEM, { invitationId: 'inv-1', expiresAt: T0 + 30 * DAY }),
			t('partnership.authorized', reseller, { acknowledged: true }),
			t('partnership.adminAccessRemoved', reseller, {}),
			t('partnership.ended', provider, {}),
			t('partnership.invited', SYSTEM, { invitationId: 'inv-2', expiresAt: T0 + 60 * DAY })
		]
	},
	{
		ref: { kind: 'org', orgId: 'fabrikam' },
		pool: [
			t('org.created', SYSTEM, {
				kind: 'indirectProvider',
				legalName: 'Fabrikam',
				country: 'JP',
				tenant: null,
				mpnId: null,
				alreadyEnrolledInCsp: false
			}),
			t('user.added', SYSTEM, userAdded('pat', ['globalAdmin']))
		]
	}
];

/** The tables a kind's summary fills, as the device's full projection fills them. */
function deviceRows(ref: DocumentRef, log: readonly unknown[]) {
	const doc = documentName(ref);
	const rows = readModelRows(projectLog(ref, log), doc) as Record<string, object[]>;
	return Object.fromEntries(SUMMARY_TABLES_BY_KIND[ref.kind].map((table) => [table, rows[table]]));
}

describe('list summaries', () => {
	it('equal the device’s projection of the same log, after every event, in any order', () => {
		const arbitrary = fc.integer({ min: 0, max: pools.length - 1 }).chain((kind) =>
			fc.record({
				kind: fc.constant(kind),
				order: fc.array(fc.integer({ min: 0, max: (pools[kind]?.pool.length ?? 1) - 1 }), {
					maxLength: 24
				}),
				batches: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 24 })
			})
		);
		fc.assert(
			fc.property(arbitrary, ({ kind, order, batches }) => {
				const { ref, pool } = pools[kind] as (typeof pools)[number];
				const doc = documentName(ref);
				const log = order.map((index, at) => {
					const template = pool[index] as Template;
					return {
						id: `e-${at}`,
						type: template.type,
						at: formatHlc({ wall: T0 + at * 1000, counter: 0, node: 'n1' }),
						by: template.by,
						payload: template.payload
					};
				});
				// The server's projector takes the log as its updates bring it: a few events at a time.
				const server = createProjector(ref);
				let at = 0;
				let batch = 0;
				while (at < log.length) {
					const size = batches[batch % batches.length] as number;
					server.append(log.slice(at, at + size));
					at += size;
					batch += 1;
					expect(summaryRows(server.state, doc)).toEqual(deviceRows(ref, log.slice(0, at)));
				}
				expect(summaryRows(server.state, doc)).toEqual(deviceRows(ref, log));
			}),
			{ seed: SEED, numRuns: RUNS }
		);
	});
});
