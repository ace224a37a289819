// Events the server appends itself (as the program's system user, or on behalf of the person whose
// request it carries out), built with the domain's typed builder: a payload that does not match its
// event type does not compile, so the server never builds an event by hand.
import type { HybridLogicalClock } from '$lib/domain/clock';
import { buildEvent, type Author } from '$lib/domain/events';
import type { EventMaker } from '$lib/flows/documents/decision';
import { PROGRAM_ORG_ID, SYSTEM_USER_ID } from '$lib/domain/ids';
import { newId } from './accounts/tokens.js';

/** The author of what the program itself decides (authorize.ts's SYSTEM_ACTOR, as an author). */
export const SYSTEM_AUTHOR: Author = { userId: SYSTEM_USER_ID, orgId: PROGRAM_ORG_ID };

/** The server's EventMaker: a new id, `at` from its clock (or given), by the system unless said. */
export function eventMaker(clock: HybridLogicalClock, now: () => number): EventMaker {
	return (type, payload, options = {}) =>
		buildEvent(type, payload, {
			id: newId(),
			at: options.at ?? clock.now(now()),
			by: options.by ?? SYSTEM_AUTHOR
		});
}
