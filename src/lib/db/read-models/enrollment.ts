// Read model of an indirect reseller's enrollment application (and the program operator's review list).
import type { EnrollmentApplication, InfoRequestRound } from '$lib/domain/model';
import type { OrgDocumentState } from '$lib/flows/documents/document-state';

export type EnrollmentRow = Omit<
	EnrollmentApplication,
	'submitted' | 'decided' | 'infoRequests'
> & {
	doc: string;
	orgId: string;
	submittedAt: string | null;
	decidedAt: string | null;
	/**
	 * each Request more information and its answer, oldest first (issue 21); absent from rows
	 * written before it until their document changes again, so readers take absent as none
	 */
	infoRequests?: InfoRequestRound[];
};

export function enrollmentRows(state: OrgDocumentState, doc: string): EnrollmentRow[] {
	const { submitted, decided, ...application } = state.enrollment;
	if (application.status === 'notStarted' && !submitted) return [];
	return [
		{
			...application,
			doc,
			orgId: state.orgId,
			submittedAt: submitted?.at ?? null,
			decidedAt: decided?.at ?? null
		}
	];
}
