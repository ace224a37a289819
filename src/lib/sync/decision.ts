// Where the server's decision on one change stands, for actions whose success only the server can
// decide (an email unique across tiertwo, an order provisioned, a link redeemed): still on this
// device while offline, waiting for the server, accepted, or refused with the reason's i18n key.
// Read from the outbox and refused tables (and, for a decision the server writes later as an event
// of its own, from the read model that event lands in), so it holds across reloads and tabs.
import type { AppDatabase } from '$lib/db/app-database';
import { deliveryOf, type Delivery } from '$lib/db/outbox';

export type Decision =
	| { readonly state: 'pending-offline' }
	| { readonly state: 'waiting' }
	| { readonly state: 'accepted' }
	| { readonly state: 'refused'; readonly code: string };

/** What the server decided later by an event of its own; undefined while it has not. */
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly code: string };

export interface DecisionSource {
	/** the event the action appended */
	readonly eventId: string;
	/**
	 * For an action the server decides after storing it (an order is provisioned or fails): reads
	 * that decision from the device's read models. Without it, storing the event is the decision.
	 */
	readonly outcome?: (db: AppDatabase) => Promise<Verdict | undefined>;
}

/** What the device knows of a change: its delivery, and the later verdict where there is one. */
export interface DecisionFacts {
	readonly delivery: Delivery;
	readonly verdict: Verdict | undefined;
	/** the source has a later verdict to wait for */
	readonly decidedLater: boolean;
}

/**
 * The decision as a person should read it. A refusal or a verdict stands whatever the network;
 * anything undecided is "waiting" while the device is in contact with the server (reachable, its
 * sync channel open) and "pending-offline" while not.
 */
export function decide(facts: DecisionFacts, inContact: boolean): Decision {
	const { delivery, verdict } = facts;
	if (delivery.kind === 'refused') return { state: 'refused', code: delivery.code };
	if (verdict) return verdict.ok ? { state: 'accepted' } : { state: 'refused', code: verdict.code };
	if (delivery.kind === 'delivered' && !facts.decidedLater) return { state: 'accepted' };
	return inContact ? { state: 'waiting' } : { state: 'pending-offline' };
}

/** The facts of `source`'s change now (a live query's querier: it re-runs when its rows change). */
export async function decisionFacts(
	db: AppDatabase,
	source: DecisionSource
): Promise<DecisionFacts> {
	return {
		delivery: await deliveryOf(db, source.eventId),
		verdict: source.outcome ? await source.outcome(db) : undefined,
		decidedLater: source.outcome !== undefined
	};
}
