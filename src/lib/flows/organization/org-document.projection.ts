// Projection of an `org/<orgId>` document: the organization, its users, the invitations it sent and
// its enrollment application, each event decided by its machine.
import type { DomainEvent } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import { EVENT_RULES } from '$lib/domain/events';
import type {
	EnrollmentApplication,
	EnrollmentStatus,
	InvitationStatus,
	Stamp,
	UserStatus
} from '$lib/domain/model';
import { can } from '$lib/domain/permissions';
import type { OrgDocumentState } from '$lib/flows/documents/document-state';
import {
	enrollmentMachine,
	enrollmentRefusals,
	type EnrollmentFact
} from '$lib/flows/enrollment/enrollment.machine';
import {
	invitationMachine,
	invitationRefusals,
	type InvitationFact
} from '$lib/flows/partnership/invitation.machine';
import { createStepper, type StepResult } from '$lib/flows/documents/machine-stepper';
import { authorRoles } from '$lib/flows/users/org-queries';
import {
	organizationMachine,
	organizationRefusals,
	type OrganizationFact
} from './organization.machine';
import {
	userOnboardingMachine,
	userOnboardingRefusals,
	type UserOnboardingFact
} from '$lib/flows/users/user-onboarding.machine';

export const organizationStepper = createStepper(organizationMachine, organizationRefusals);
export const userOnboardingStepper = createStepper(userOnboardingMachine, userOnboardingRefusals);
export const invitationStepper = createStepper(invitationMachine, invitationRefusals);
export const enrollmentStepper = createStepper(enrollmentMachine, enrollmentRefusals);

export function emptyEnrollment(): EnrollmentApplication {
	return {
		status: 'notStarted',
		track: null,
		pmcUserName: null,
		linkedProfiles: [],
		mpnId: null,
		legalProfile: null,
		primaryContact: null,
		support: null,
		rejectionReason: null,
		infoRequest: null,
		infoRequests: [],
		submitted: null,
		decided: null
	};
}

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
		invitations: {},
		enrollment: emptyEnrollment()
	};
}

type Step = StepResult<unknown>;

function decide(state: OrgDocumentState, event: DomainEvent): Step {
	const world = { doc: state };
	switch (event.type) {
		case 'org.created':
		case 'org.profileUpdated':
			return organizationStepper.step(
				organizationStepper.snapshotFor(state.org ? 'active' : 'none'),
				{ type: event.type, event, world } as OrganizationFact
			);
		case 'user.added':
		case 'user.rolesChanged':
		case 'user.disabled':
		case 'user.enabled':
		case 'user.removed':
		case 'user.passwordChanged':
			return userOnboardingStepper.step(
				userOnboardingStepper.snapshotFor(state.users[event.payload.userId]?.status ?? 'none'),
				{ type: event.type, event, world } as UserOnboardingFact
			);
		case 'invitation.created':
		case 'invitation.revoked':
		case 'invitation.addressed':
		case 'invitation.redeemed':
			return invitationStepper.step(
				invitationStepper.snapshotFor(
					state.invitations[event.payload.invitationId]?.status ?? 'none'
				),
				{ type: event.type, event, world } as InvitationFact
			);
		case 'enrollment.mpnLinked':
		case 'enrollment.submitted':
		case 'enrollment.emailVerified':
		case 'enrollment.approved':
		case 'enrollment.rejected':
		case 'enrollment.infoRequested':
		case 'enrollment.adminAgentConfirmed':
			return enrollmentStepper.step(enrollmentStepper.snapshotFor(state.enrollment.status), {
				type: event.type,
				event,
				world
			} as EnrollmentFact);
		default:
			return { applied: false, code: 'error_wrong_document' };
	}
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
	const result = decide(state, event);
	if (!result.applied) return result.code;
	fold(state, event, stamp, result.status);
	return result.code;
}

function fold(state: OrgDocumentState, event: DomainEvent, stamp: Stamp, status: string): void {
	switch (event.type) {
		case 'org.created': {
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
			return;
		}
		case 'org.profileUpdated':
			if (state.org) Object.assign(state.org, event.payload);
			return;
		case 'user.added': {
			const p = event.payload;
			state.users[p.userId] = {
				userId: p.userId,
				email: p.email,
				fullName: p.fullName,
				roles: [...p.roles],
				status: status as UserStatus,
				temporaryPasswordExpiresAt: p.temporaryPassword.expiresAt,
				temporaryPasswordHash: p.temporaryPassword.hash,
				added: stamp
			};
			return;
		}
		case 'user.rolesChanged':
		case 'user.disabled':
		case 'user.enabled':
		case 'user.removed':
		case 'user.passwordChanged': {
			const user = state.users[event.payload.userId];
			if (!user) return;
			user.status = status as UserStatus;
			if (event.type === 'user.rolesChanged') user.roles = [...event.payload.roles];
			if (event.type === 'user.passwordChanged') {
				user.temporaryPasswordHash = null;
				user.temporaryPasswordExpiresAt = null;
			}
			return;
		}
		case 'invitation.created': {
			const p = event.payload;
			state.invitations[p.invitationId] = {
				invitationId: p.invitationId,
				kind: p.kind,
				providerId: p.kind === 'customerWithProvider' ? p.providerId : null,
				tokenHash: p.tokenHash,
				expiresAt: p.expiresAt,
				status: status as InvitationStatus,
				redeemedBy: null,
				recipient: null,
				created: stamp,
				closed: null
			};
			return;
		}
		case 'invitation.addressed': {
			const invitation = state.invitations[event.payload.invitationId];
			if (invitation) invitation.recipient = event.payload.recipient;
			return;
		}
		case 'invitation.revoked':
		case 'invitation.redeemed': {
			const invitation = state.invitations[event.payload.invitationId];
			if (!invitation) return;
			invitation.status = status as InvitationStatus;
			invitation.closed = stamp;
			if (event.type === 'invitation.redeemed' && status === 'redeemed') {
				invitation.redeemedBy = event.payload.orgId;
			}
			return;
		}
		default:
			foldEnrollment(state, event, stamp, status as EnrollmentStatus);
	}
}

function foldEnrollment(
	state: OrgDocumentState,
	event: DomainEvent,
	stamp: Stamp,
	status: EnrollmentStatus
): void {
	const application = state.enrollment;
	const answering = application.status === 'infoRequested';
	application.status = status;
	switch (event.type) {
		case 'enrollment.mpnLinked':
			application.pmcUserName = event.payload.pmcUserName;
			application.linkedProfiles = event.payload.profiles.map((profile) => ({ ...profile }));
			return;
		case 'enrollment.submitted': {
			const p = event.payload;
			application.track = p.track;
			application.support = p.support;
			if (p.track === 'new') {
				application.mpnId = p.mpnId;
				application.legalProfile = p.legalProfile;
				application.primaryContact = p.primaryContact;
			}
			// A resubmission answers the open request, with or without words (older logs have none).
			// New arrays and rounds, never edits: read-model rows made earlier share these objects.
			const round = application.infoRequests.at(-1);
			if (answering && round) {
				application.infoRequests = [
					...application.infoRequests.slice(0, -1),
					{ ...round, answer: p.answer ?? null, answered: stamp }
				];
			}
			application.infoRequest = null;
			application.submitted = stamp;
			return;
		}
		case 'enrollment.approved':
			application.decided = stamp;
			approveProfile(state, application);
			return;
		case 'enrollment.rejected':
			application.rejectionReason = event.payload.reason;
			application.decided = stamp;
			return;
		case 'enrollment.infoRequested':
			application.infoRequest = event.payload.message;
			application.infoRequests = [
				...application.infoRequests,
				{ message: event.payload.message, requested: stamp, answer: null, answered: null }
			];
			return;
		default:
			return;
	}
}

/** Approval makes the application's legal profile and contacts the org's own. */
function approveProfile(state: OrgDocumentState, application: EnrollmentApplication): void {
	const org = state.org;
	if (!org) return;
	if (application.legalProfile) {
		org.legalName = application.legalProfile.legalName;
		org.address = application.legalProfile.address;
	}
	if (application.mpnId) org.mpnId = application.mpnId;
	if (application.primaryContact) org.primaryContact = application.primaryContact;
	if (application.support) org.support = application.support;
	org.alreadyEnrolledInCsp = true;
}
