// An organization's document comes to life with `org.created` (written by the server); its profile
// changes afterwards.
import { setup } from 'xstate';
import type { FactOf, OrgDocumentState } from '$lib/flows/documents/document-state';
import type { Refusals } from '$lib/flows/documents/machine-stepper';

export interface OrgWorld {
	readonly doc: OrgDocumentState;
}

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
