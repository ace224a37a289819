// Each role's label and what it allows, in the reader's language (GLOSSARY.md "Users and roles").
import type { Role } from '$lib/domain/permissions';
import { m } from '$lib/i18n/paraglide/messages.js';

export const ROLE_LABELS: Readonly<Record<Role, () => string>> = {
	globalAdmin: m.users_role_global_admin,
	userManagementAdmin: m.users_role_user_management_admin,
	billingAdmin: m.users_role_billing_admin,
	accountAdmin: m.users_role_account_admin,
	referralsAdmin: m.users_role_referrals_admin,
	incentivesAdmin: m.users_role_incentives_admin,
	adminAgent: m.users_role_admin_agent,
	salesAgent: m.users_role_sales_agent,
	helpdeskAgent: m.users_role_helpdesk_agent
};

export const ROLE_DESCRIPTIONS: Readonly<Record<Role, () => string>> = {
	globalAdmin: m.users_role_global_admin_description,
	userManagementAdmin: m.users_role_user_management_admin_description,
	billingAdmin: m.users_role_billing_admin_description,
	accountAdmin: m.users_role_account_admin_description,
	referralsAdmin: m.users_role_referrals_admin_description,
	incentivesAdmin: m.users_role_incentives_admin_description,
	adminAgent: m.users_role_admin_agent_description,
	salesAgent: m.users_role_sales_agent_description,
	helpdeskAgent: m.users_role_helpdesk_agent_description
};

/**
 * "Global admin, Admin agent" / 「グローバル管理者、管理エージェント」 in the reader's language: a
 * unit list in English, the enumeration comma in Japanese (whose unit lists only put spaces).
 */
export function roleList(roles: readonly Role[], locale: string): string {
	if (roles.length === 0) return m.users_roles_none();
	const type = locale.startsWith('ja') ? 'conjunction' : 'unit';
	return new Intl.ListFormat(locale, { type }).format(roles.map((role) => ROLE_LABELS[role]()));
}
