// Model-based testing for the log machines: explores every state reachable with a set of facts
// (events with the read model their guards see), records each named guard's outcomes, and replays
// every generated shortest path through the projection's memoized stepper, which must agree with
// XState's own transition at each step.
import { expect } from 'vitest';
import { getInitialSnapshot, getNextSnapshot, type AnyStateMachine } from 'xstate';
import { createTestModel } from 'xstate/graph';
import type { Refusals } from '$lib/flows/documents/machine-stepper';
import { createStepper } from '$lib/flows/documents/machine-stepper';

type Guard = (args: unknown, params: unknown) => boolean;

export interface Exploration {
	readonly statesReached: ReadonlySet<string>;
	readonly guardOutcomes: ReadonlyMap<string, ReadonlySet<boolean>>;
	readonly paths: number;
}

export function allStates(machine: AnyStateMachine): string[] {
	return Object.keys(machine.root.states);
}

export function exploreLogMachine(
	machine: AnyStateMachine,
	refusals: Refusals,
	facts: readonly { type: string }[]
): Exploration {
	const guardOutcomes = new Map<string, Set<boolean>>();
	const guards = machine.implementations.guards as Record<string, Guard>;
	const recording = Object.fromEntries(
		Object.entries(guards).map(([name, guard]) => [
			name,
			(args: unknown, params: unknown) => {
				const result = guard(args, params);
				let seen = guardOutcomes.get(name);
				if (!seen) guardOutcomes.set(name, (seen = new Set()));
				seen.add(result);
				return result;
			}
		])
	);
	const recorded = machine.provide({ guards: recording } as never);
	const model = createTestModel(recorded, { events: facts as never });
	// Every fact in every reachable state: both outcomes of each guard where the facts allow it.
	model.getAdjacencyMap();
	const paths = model.getShortestPaths();
	const statesReached = new Set<string>();
	const stepper = createStepper(machine, refusals);
	for (const path of paths) {
		let snapshot = stepper.initial;
		let reference = getInitialSnapshot(machine);
		statesReached.add(String(reference.value));
		for (const step of path.steps) {
			if (step.event.type === 'xstate.init') continue;
			// A path may pass through a refused event (the state stays); both must agree it is refused.
			const taken = machine.getTransitionData(reference, step.event).length > 0;
			reference = getNextSnapshot(machine, reference, step.event);
			const result = stepper.step(snapshot, step.event as never);
			expect(result.applied, `${String(step.event.type)} in ${String(snapshot.value)}`).toBe(taken);
			if (result.applied) snapshot = result.snapshot;
			expect(snapshot.value).toEqual(reference.value);
			statesReached.add(String(reference.value));
		}
		expect(snapshot.value).toEqual(path.state.value);
	}
	return { statesReached, guardOutcomes, paths: paths.length };
}

/** Every state reached, every guard seen both passing and failing. */
export function expectFullCoverage(machine: AnyStateMachine, exploration: Exploration): void {
	expect([...exploration.statesReached].sort()).toEqual(allStates(machine).sort());
	const guardNames = guardsUsed(machine);
	const outcomes = Object.fromEntries(
		guardNames.map((name) => [name, [...(exploration.guardOutcomes.get(name) ?? [])].sort()])
	);
	expect(outcomes).toEqual(Object.fromEntries(guardNames.map((name) => [name, [false, true]])));
}

/** Named guards the machine's transitions refer to (directly or inside `and`). */
export function guardsUsed(machine: AnyStateMachine): string[] {
	const names = new Set<string>();
	const visit = (guard: unknown): void => {
		if (typeof guard === 'string') names.add(guard);
		else {
			for (const inner of (guard as { guards?: unknown[] } | undefined)?.guards ?? []) visit(inner);
		}
	};
	for (const node of Object.values(machine.root.states)) {
		for (const transitions of node.transitions.values()) {
			for (const t of transitions) visit(t.guard);
		}
		for (const t of node.always ?? []) visit(t.guard);
	}
	return [...names].sort();
}
