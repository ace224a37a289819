// One workflow's part of a document's projection: the event types its machine decides, the step
// for an event (its machine, from the state the document holds for what the event is about), and
// what an applied event changes in the read model. A document's projection is its slices, found by
// event type, so each workflow's folder holds its own part of every document it writes in.
import type { DomainEvent, EventType } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import type { Stamp } from '$lib/domain/model';
import type { StepResult } from './machine-stepper';

export type EventOfType<T extends EventType> = Extract<DomainEvent, { type: T }>;

export interface ProjectionSlice<State, T extends EventType = EventType> {
	readonly types: readonly T[];
	step(state: State, event: EventOfType<T>): StepResult<unknown>;
	/** `status`: the machine's state after the step */
	fold(state: State, event: EventOfType<T>, stamp: Stamp, status: string): void;
}

/**
 * A slice of whichever event types: composeSlices hands each slice only events of its own types
 * (`any` because a slice of some types is not a slice of every type, and the map below is what
 * makes the call safe).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySlice<State> = ProjectionSlice<State, any>;

/** A document kind's slices as one: each event goes to the slice of its type, or is refused. */
export function composeSlices<State>(slices: readonly AnySlice<State>[]) {
	const byType = new Map<EventType, AnySlice<State>>();
	for (const slice of slices) {
		for (const type of slice.types) {
			if (byType.has(type)) throw new Error(`${type} belongs to two slices`);
			byType.set(type, slice);
		}
	}
	return {
		/** Applies one event: null when it counted, else why it was superseded. */
		apply(state: State, event: DomainEvent, stamp: Stamp): ErrorCode | null {
			const slice = byType.get(event.type);
			if (!slice) return 'error_wrong_document';
			const result = slice.step(state, event);
			if (!result.applied) return result.code;
			slice.fold(state, event, stamp, result.status);
			return result.code;
		}
	};
}
