// The label of an application's status, as GLOSSARY.md and the issue name them.
import { m } from '$lib/i18n/paraglide/messages.js';

const LABELS: Record<string, () => string> = {
	notStarted: m.enroll_status_notStarted,
	mpnLinked: m.enroll_status_mpnLinked,
	emailVerificationPending: m.enroll_status_emailVerificationPending,
	underReview: m.enroll_status_underReview,
	infoRequested: m.enroll_status_infoRequested,
	rejected: m.enroll_status_rejected,
	adminAgentCheck: m.enroll_status_adminAgentCheck,
	ready: m.enroll_status_ready
};

export function statusLabel(status: string): string {
	return (LABELS[status] ?? m.enroll_status_notStarted)();
}
