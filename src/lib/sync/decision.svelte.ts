// The server's decision on a change a page just made, as a rune: pages whose action only the server
// can decide show this (through DecisionStatus) instead of claiming success at once. A refusal the
// page shows counts as told: the shell's notice of refused changes leaves it out, at once while the
// page shows it and for good once the device has noted it as told. Pages that list refused changes
// with their reasons (a customer record, Customers, Pending changes) say so by showingRefusals: the
// notice leaves those out while they are on screen.
import { SvelteMap } from 'svelte/reactivity';
import { db } from '$lib/db/db';
import { liveQueryState } from '$lib/db/live-query.svelte';
import { markRefusalsTold } from '$lib/db/refusal-notices';
import { connection } from './connection.svelte';
import { decide, decisionFacts, type Decision, type DecisionSource } from './decision';
import type { AppendResult } from './sync-engine';

/** Refused changes pages on screen show with their reason now (how many show each). */
const shownHere = new SvelteMap<string, number>();

/** Whether a page on screen shows this refused change with its reason (the shell leaves it out). */
export function shownRefusal(eventId: string): boolean {
	return shownHere.has(eventId);
}

/**
 * For the calling component's lifetime, the refused changes `ids()` names are shown on screen with
 * their reasons: the shell's notice leaves them out while they are (a list of refused changes does
 * not dismiss them; the notice shows them again on other pages until dismissed). Call it during
 * component initialisation.
 */
export function showingRefusals(ids: () => readonly string[]): void {
	$effect(() => {
		const shown = ids().filter((id, at, all) => all.indexOf(id) === at);
		if (shown.length === 0) return;
		for (const id of shown) shownHere.set(id, (shownHere.get(id) ?? 0) + 1);
		return () => {
			for (const id of shown) {
				const count = (shownHere.get(id) ?? 1) - 1;
				if (count > 0) shownHere.set(id, count);
				else shownHere.delete(id);
			}
		};
	});
}

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
		return decide(known.facts, connection.inContact);
	});
	// The page says this refusal where it was made, with its reason: it counts as told (a refused
	// delivery, or an outcome the server decided against, such as an order that failed).
	const refusedHere = $derived(
		current?.state === 'refused' ? (facts.current?.eventId ?? null) : null
	);
	showingRefusals(() => (refusedHere ? [refusedHere] : []));
	$effect(() => {
		if (refusedHere) void markRefusalsTold(db, [refusedHere]).catch(reportError);
	});
	return {
		get current() {
			return current;
		}
	};
}

/**
 * The outcome of the last change a page made through an intent: refused on this device (`errorCode`,
 * which the page says at once) or appended, and then what the server decided on it (`decision`).
 * Call it during component initialisation.
 */
export interface ChangeOutcome {
	/** The server's decision on the last change appended here; null before one. */
	readonly decision: Decision | null;
	/** Why the last change (or a step before it) was refused here; null when it was not. */
	readonly errorCode: string | null;
	/** What an intent answered: appended (followed from now on) or refused (said). */
	report(result: AppendResult): void;
	/** A refusal from elsewhere on the page (a dialog, an API call); null takes the last one back. */
	refuse(code: string | null): void;
	/** A new attempt begins: nothing said yet. */
	clear(): void;
}

export function changeOutcome(): ChangeOutcome {
	let lastChange = $state<string | null>(null);
	let errorCode = $state<string | null>(null);
	const decision = serverDecision(() => (lastChange ? { eventId: lastChange } : null));
	return {
		get decision() {
			return decision.current;
		},
		get errorCode() {
			return errorCode;
		},
		report(result) {
			if (result.ok) {
				lastChange = result.eventId;
				errorCode = null;
			} else {
				errorCode = result.code;
			}
		},
		refuse(code) {
			errorCode = code;
		},
		clear() {
			lastChange = null;
			errorCode = null;
		}
	};
}
