// The server's decision on a change a page just made, as a rune: pages whose action only the server
// can decide show this (through DecisionStatus) instead of claiming success at once. A refusal the
// page shows counts as told: the shell's notice of refused changes leaves it out, at once while the
// page shows it (`shownRefusals`) and for good once the device has noted it as told.
import { SvelteSet } from 'svelte/reactivity';
import { db } from '$lib/db/db';
import { liveQueryState } from '$lib/db/live-query.svelte';
import { markRefusalsTold } from '$lib/db/refusal-notices';
import { connection } from './connection.svelte';
import { decide, decisionFacts, type Decision, type DecisionSource } from './decision';

/** Refused changes a page on screen is showing with their reason now: the shell leaves them out. */
export const shownRefusals = new SvelteSet<string>();

export interface ServerDecision {
	/** null while there is no change to follow, or its rows are still being read */
	readonly current: Decision | null;
}

/**
 * Follows the change `source()` names for the lifetime of the calling component (a new source, a
 * new change). Call it during component initialisation.
 */
export function serverDecision(source: () => DecisionSource | null): ServerDecision {
	const facts = liveQueryState(
		async () => {
			const current = source();
			return current ? { eventId: current.eventId, facts: await decisionFacts(db, current) } : null;
		},
		() => source()?.eventId
	);
	const current = $derived.by(() => {
		const followed = source();
		const known = facts.current;
		// The previous change's result stays while the new one is read: not shown as this one's.
		if (!followed || !known || known.eventId !== followed.eventId) return null;
		return decide(known.facts, connection.reachable);
	});
	$effect(() => {
		const eventId = facts.current?.eventId;
		if (!eventId || facts.current?.facts.delivery.kind !== 'refused') return;
		shownRefusals.add(eventId);
		void markRefusalsTold(db, [eventId]).catch(reportError);
		return () => shownRefusals.delete(eventId);
	});
	return {
		get current() {
			return current;
		}
	};
}
