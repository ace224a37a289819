// Each page of the access table by name, in the reader's language: the menu, the Dashboard's links
// and the refusal all call a page the same (GLOSSARY.md "Menus and pages").
import type { OrgKind } from '$lib/domain/rules';
import { m } from '$lib/i18n/paraglide/messages.js';
import type { PagePath } from './page-access';

interface PageLabel {
	readonly label: () => string;
	/** what the Dashboard says of it */
	readonly description?: () => string;
}

export const PAGE_LABELS: Readonly<Record<PagePath, PageLabel>> = {
	'/': { label: m.nav_dashboard },
	'/customers': { label: m.nav_customers, description: m.customers_description },
	'/organization': {
		label: m.relationships_nav_organization,
		description: m.relationships_org_description
	},
	'/indirect-providers': {
		label: m.nav_indirect_providers,
		description: m.indirect_providers_description
	},
	'/indirect-resellers': {
		label: m.nav_indirect_resellers,
		description: m.indirect_resellers_description
	},
	'/partnerships': { label: m.access_page_partnership },
	'/enrollment': { label: m.nav_enrollment, description: m.enroll_status_text },
	'/enrollment-review': { label: m.nav_enrollment_review, description: m.review_text },
	'/mailbox': { label: m.nav_mailbox, description: m.mailbox_text },
	'/add-indirect-provider': { label: m.nav_add_provider, description: m.provider_add_text },
	'/settings': { label: m.nav_settings, description: m.access_settings_description },
	'/settings/user-management': {
		label: m.nav_user_management,
		description: m.user_management_description
	},
	'/pending-changes': { label: m.pending_changes_title },
	'/enroll': { label: m.access_page_enroll },
	'/enroll/verify': { label: m.enroll_verify_title }
};

export const ORG_KIND_LABELS: Readonly<Record<OrgKind, () => string>> = {
	programOperator: m.access_org_kind_program_operator,
	indirectProvider: m.access_org_kind_indirect_provider,
	indirectReseller: m.access_org_kind_indirect_reseller,
	customer: m.access_org_kind_customer
};

/** "Indirect provider, Indirect reseller" in the reader's language; an unknown kind as it is. */
export function orgKindList(kinds: readonly string[], locale: string): string {
	return new Intl.ListFormat(locale, { type: 'unit' }).format(
		kinds.map((kind) => (kind in ORG_KIND_LABELS ? ORG_KIND_LABELS[kind as OrgKind]() : kind))
	);
}
