// Read model of an indirect reseller's enrollment application (and the program operator's review list).
import type { EnrollmentApplication } from '$lib/domain/model';
import type { OrgDocumentState } from '$lib/flows/document-state';

export type EnrollmentRow = Omit<EnrollmentApplication, 'submitted' | 'decided'> & {
	doc: string;
	orgId: string;
	submittedAt: string | null;
	decidedAt: string | null;
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
