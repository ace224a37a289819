// The enrollment slice of an org document's projection: an indirect reseller's application, from the
// MPN ID link to the program's decision and the admin agent check, decided by the enrollment machine.
import type { EnrollmentApplication, EnrollmentStatus } from '$lib/domain/model';
import type { OrgDocumentState } from '$lib/flows/documents/document-state';
import { createStepper } from '$lib/flows/documents/machine-stepper';
import type { ProjectionSlice } from '$lib/flows/documents/projection-slice';
import { enrollmentMachine, enrollmentRefusals, type EnrollmentFact } from './enrollment.machine';

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

export const enrollmentSlice: ProjectionSlice<OrgDocumentState, EnrollmentFact['type']> = {
	types: [
		'enrollment.mpnLinked',
		'enrollment.submitted',
		'enrollment.emailVerified',
		'enrollment.approved',
		'enrollment.rejected',
		'enrollment.infoRequested',
		'enrollment.adminAgentConfirmed'
	],
	step: (state, event) =>
		enrollmentStepper.step(enrollmentStepper.snapshotFor(state.enrollment.status), {
			type: event.type,
			event,
			world: { doc: state }
		} as EnrollmentFact),
	fold(state, event, stamp, next) {
		const status = next as EnrollmentStatus;
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
};

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
