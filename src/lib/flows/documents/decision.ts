// What a workflow's decider answers: the events to append to each document it read (in the order
// it was given them), or why nothing is appended. A decider is pure: the documents' states and the
// command go in, and it builds its events with the typed builder through the `make` it is handed,
// which holds what is not pure (new ids, the clock). The server runs it under the documents' locks.
import type { Author, DomainEvent, EventOf, EventType, PayloadOf } from '$lib/domain/events';

/** Makes one event of `type`: a new id, `at` from the clock (or given), by the system unless said. */
export type EventMaker = <T extends EventType>(
	type: T,
	payload: PayloadOf<T>,
	options?: { readonly at?: string; readonly by?: Author }
) => EventOf<T>;

export type Decision<Refusal> =
	{ readonly events: readonly (readonly DomainEvent[])[] } | { readonly refused: Refusal };
