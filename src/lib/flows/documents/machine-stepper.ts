// Replays log events through an XState machine at projection speed. Log machines keep no context
// (their data lives in the read model each guard receives with the event), so the snapshot after a
// transition depends only on the state and the transition XState selects; that step is computed once
// by XState's own `transition` and memoized. Which transition (if any) is taken is always decided
// by XState evaluating the machine's named guards on the actual event.
import {
	getNextTransitions,
	initialTransition,
	transition,
	type AnyMachineSnapshot,
	type AnyStateMachine,
	type AnyTransitionDefinition,
	type EventFromLogic
} from 'xstate';
import type { ErrorCode } from '$lib/domain/errors';

/** Why a machine refuses an event: per failing guard, per state it arrives in, otherwise. */
export interface Refusals {
	readonly guards: Readonly<Record<string, ErrorCode>>;
	/** per state: one code, or one per event type (`*` for the rest) */
	readonly states: Readonly<Record<string, ErrorCode | Readonly<Record<string, ErrorCode>>>>;
	readonly otherwise: ErrorCode;
}

/**
 * State `meta: { supersedes: code }`: entering this state consumes the event that led there but marks
 * it superseded (a late acceptance moves an invitation to `expired`, and the acceptance did not count).
 */
export interface SupersedingMeta {
	readonly supersedes?: ErrorCode;
}

export type StepResult<S> =
	| {
			readonly applied: true;
			readonly snapshot: S;
			readonly status: string;
			readonly code: ErrorCode | null;
	  }
	| { readonly applied: false; readonly code: ErrorCode };

export interface Stepper<M extends AnyStateMachine> {
	readonly machine: M;
	readonly initial: AnyMachineSnapshot;
	step(snapshot: AnyMachineSnapshot, event: EventFromLogic<M>): StepResult<AnyMachineSnapshot>;
	statusOf(snapshot: AnyMachineSnapshot): string;
	/** The snapshot for a status kept in a read model, so projections hold only plain data. */
	snapshotFor(status: string): AnyMachineSnapshot;
}

interface HigherOrderGuard {
	readonly guards?: readonly unknown[];
}

export function createStepper<M extends AnyStateMachine>(
	machine: M,
	refusals: Refusals
): Stepper<M> {
	const logic: AnyStateMachine = machine;
	const canonical = new Map<string, AnyMachineSnapshot>();
	const next = new WeakMap<AnyMachineSnapshot, Map<AnyTransitionDefinition, AnyMachineSnapshot>>();
	const superseding = new WeakMap<AnyMachineSnapshot, ErrorCode | null>();

	function keyOf(snapshot: AnyMachineSnapshot): string {
		if (typeof snapshot.value !== 'string') {
			throw new Error(`log machine ${machine.id} must be flat (one state at a time)`);
		}
		return snapshot.value;
	}

	function canonicalize(snapshot: AnyMachineSnapshot): AnyMachineSnapshot {
		const key = keyOf(snapshot);
		if (snapshot.context !== undefined && Object.keys(snapshot.context as object).length > 0) {
			throw new Error(
				`log machine ${machine.id} must keep its data in the read model, not context`
			);
		}
		const known = canonical.get(key);
		if (known) return known;
		canonical.set(key, snapshot);
		const meta = Object.values(snapshot.getMeta() as Record<string, SupersedingMeta | undefined>);
		superseding.set(snapshot, meta.find((m) => m?.supersedes)?.supersedes ?? null);
		return snapshot;
	}

	const initial = canonicalize(initialTransition(logic)[0]);

	function guardHolds(guard: unknown, snapshot: AnyMachineSnapshot, event: unknown): boolean {
		if (typeof guard !== 'string') return true;
		const implementation = (machine.implementations.guards as Record<string, unknown>)[guard];
		return typeof implementation !== 'function'
			? true
			: Boolean(implementation({ context: snapshot.context, event }, undefined));
	}

	/**
	 * The code of the guard that failed, on the candidate transition that got furthest (the most guards
	 * passed before one failed), so a track-selecting guard does not hide the real rule.
	 */
	function refusalOf(snapshot: AnyMachineSnapshot, event: { type: string }): ErrorCode {
		let best: { passed: number; code: ErrorCode } | null = null;
		for (const candidate of getNextTransitions(snapshot)) {
			if (candidate.eventType !== event.type) continue;
			const guard = candidate.guard as unknown;
			const names =
				typeof guard === 'string'
					? [guard]
					: ((guard as HigherOrderGuard | undefined)?.guards ?? []);
			const failing = names.findIndex(
				(name) => typeof name === 'string' && !guardHolds(name, snapshot, event)
			);
			if (failing < 0) continue;
			const code = refusals.guards[names[failing] as string] ?? refusals.otherwise;
			if (!best || failing > best.passed) best = { passed: failing, code };
		}
		if (best) return best.code;
		const byState = refusals.states[keyOf(snapshot)];
		if (typeof byState === 'string') return byState;
		return byState?.[event.type] ?? byState?.['*'] ?? refusals.otherwise;
	}

	return {
		machine,
		initial,
		statusOf: keyOf,
		snapshotFor(status) {
			return (
				canonical.get(status) ??
				canonicalize(
					logic.resolveState({ value: status } as Parameters<AnyStateMachine['resolveState']>[0])
				)
			);
		},
		step(snapshot, event) {
			const selected = machine.getTransitionData(snapshot, event);
			const chosen = selected[0];
			if (!chosen) return { applied: false, code: refusalOf(snapshot, event) };
			let row = next.get(snapshot);
			if (!row) {
				row = new Map();
				next.set(snapshot, row);
			}
			let after = row.get(chosen);
			if (!after) {
				after = canonicalize(transition(logic, snapshot, event)[0]);
				row.set(chosen, after);
			}
			const code = after !== snapshot ? (superseding.get(after) ?? null) : null;
			return { applied: true, snapshot: after, status: keyOf(after), code };
		}
	};
}
