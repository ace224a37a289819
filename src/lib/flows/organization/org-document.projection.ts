// Projection of an `org/<orgId>` document: the organization itself, and the slices of the workflows
// that write in it (its users, its enrollment application), each event
// decided by its workflow's machine. Members act with the roles the log gives them at that point.
import type { DomainEvent } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import { EVENT_RULES } from '$lib/domain/events';
import type { Stamp } from '$lib/domain/model';
import { can } from '$lib/domain/permissions';
import type { OrgDocumentState } from '$lib/flows/documents/document-state';
import { createStepper } from '$lib/flows/documents/machine-stepper';
import { composeSlices, type ProjectionSlice } from '$lib/flows/documents/projection-slice';
import { emptyEnrollment, enrollmentSlice } from '$lib/flows/enrollment/enrollment.projection';
import { authorRoles } from '$lib/flows/users/org-queries';
import { usersSlice } from '$lib/flows/users/users.projection';
import {
	organizationMachine,
	organizationRefusals,
	type OrganizationFact
} from './organization.machine';

export const organizationStepper = createStepper(organizationMachine, organizationRefusals);

const organizationSlice: ProjectionSlice<OrgDocumentState, OrganizationFact['type']> = {
	types: ['org.created', 'org.profileUpdated'],
	step: (state, event) =>
		organizationStepper.step(organizationStepper.snapshotFor(state.org ? 'active' : 'none'), {
			type: event.type,
			event,
			world: { doc: state }
		} as OrganizationFact),
	fold(state, event, stamp) {
		if (event.type === 'org.profileUpdated') {
			if (state.org) Object.assign(state.org, event.payload);
			return;
		}
		const p = event.payload;
		state.org = {
			orgId: state.orgId,
			kind: p.kind,
			legalName: p.legalName,
			address: null,
			country: p.country,
			mpnId: p.mpnId,
			primaryContact: null,
			support: null,
			tenant: p.tenant,
			alreadyEnrolledInCsp: p.alreadyEnrolledInCsp,
			created: stamp
		};
	}
};

const orgDocument = composeSlices<OrgDocumentState>([
	organizationSlice,
	usersSlice,
	enrollmentSlice
]);

export function createOrgState(orgId: string): OrgDocumentState {
	return {
		kind: 'org',
		orgId,
		length: 0,
		superseded: [],
		invalid: [],
		claimed: new Set(),
		org: null,
		users: {},
		enrollment: emptyEnrollment()
	};
}

/** Members act with the roles the log gives them at that point (a demoted admin's later edits lose). */
function authorMayWrite(state: OrgDocumentState, event: DomainEvent): boolean {
	const rule = EVENT_RULES[event.type];
	if (rule.writer !== 'member') return true;
	const roles = authorRoles(state, event.by.userId);
	return roles === 'system' || (rule.capability !== 'system' && can(roles, rule.capability));
}

/** Applies one valid event; returns why it was superseded, or null when it counted. */
export function applyOrgEvent(
	state: OrgDocumentState,
	event: DomainEvent,
	stamp: Stamp
): ErrorCode | null {
	if (!state.org && event.type !== 'org.created') return 'error_org_missing';
	if (!authorMayWrite(state, event)) return 'error_missing_capability';
	return orgDocument.apply(state, event, stamp);
}
