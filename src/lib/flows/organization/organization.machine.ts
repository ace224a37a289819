// An organization's document comes to life with `org.created` (written by the server); its profile
// changes afterwards.
import { setup } from 'xstate';
import type { DomainEvent } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import type { Role } from '$lib/domain/permissions';
import type { FactOf, OrgDocumentState } from '$lib/flows/documents/document-state';
import type { Refusals } from '$lib/flows/documents/machine-stepper';

export interface OrgWorld {
	readonly doc: OrgDocumentState;
}

/** Why the door refuses an event, with a message for the server's log. */
export interface DoorRefusal {
	readonly code: ErrorCode;
	readonly message: string;
}

/**
 * A workflow's rule checked at the door of an org document, for a member's event (the system's own
 * are not judged), against the state the server holds now and the author's roles. The machines'
 * guards decide the same in log order; the door refuses at once what would only be superseded.
 */
export type OrgDoorRule = (
	state: OrgDocumentState,
	event: DomainEvent,
	roles: readonly Role[]
) => DoorRefusal | null;

export type OrganizationFact = FactOf<'org.created' | 'org.profileUpdated', OrgWorld>;

export const organizationMachine = setup({
	types: {} as { events: OrganizationFact }
}).createMachine({
	id: 'organization',
	initial: 'none',
	states: {
		none: { on: { 'org.created': 'active' } },
		active: { on: { 'org.profileUpdated': 'active' } }
	}
});

export const organizationRefusals: Refusals = {
	guards: {},
	states: { none: 'error_org_missing', active: 'error_org_exists' },
	otherwise: 'error_not_allowed_now'
};
