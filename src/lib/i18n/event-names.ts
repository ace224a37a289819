// Plain names of the event types for the UI (pending, refused and superseded changes). A new event
// type fails the type check here until it has a name in both catalogs.
import type { EventType } from '$lib/domain/events';
import { m } from '$lib/i18n/paraglide/messages.js';

const NAMES: Readonly<Record<EventType, () => string>> = {
	'org.created': m.event_org_created,
	'org.profileUpdated': m.event_org_profile_updated,
	'user.added': m.event_user_added,
	'user.rolesChanged': m.event_user_roles_changed,
	'user.disabled': m.event_user_disabled,
	'user.enabled': m.event_user_enabled,
	'user.removed': m.event_user_removed,
	'user.passwordChanged': m.event_user_password_changed,
	'enrollment.mpnLinked': m.event_enrollment_mpn_linked,
	'enrollment.submitted': m.event_enrollment_submitted,
	'enrollment.emailVerified': m.event_enrollment_email_verified,
	'enrollment.approved': m.event_enrollment_approved,
	'enrollment.rejected': m.event_enrollment_rejected,
	'enrollment.infoRequested': m.event_enrollment_info_requested,
	'enrollment.adminAgentConfirmed': m.event_enrollment_admin_agent_confirmed,
	'invitation.created': m.event_invitation_created,
	'invitation.revoked': m.event_invitation_revoked,
	'invitation.addressed': m.event_invitation_addressed,
	'invitation.redeemed': m.event_invitation_redeemed,
	'partnership.invited': m.event_partnership_invited,
	'partnership.authorized': m.event_partnership_authorized,
	'partnership.revoked': m.event_partnership_revoked,
	'partnership.adminAccessRemoved': m.event_partnership_admin_access_removed,
	'partnership.ended': m.event_partnership_ended,
	'customer.created': m.event_customer_created,
	'relationship.requested': m.event_relationship_requested,
	'relationship.accepted': m.event_relationship_accepted,
	'relationship.declined': m.event_relationship_declined,
	'relationship.ended': m.event_relationship_ended,
	'tenantUser.added': m.event_tenantuser_added,
	'tenantUser.removed': m.event_tenantuser_removed,
	'license.assigned': m.event_license_assigned,
	'license.unassigned': m.event_license_unassigned,
	'order.submitted': m.event_order_submitted,
	'order.provisioned': m.event_order_provisioned,
	'order.failed': m.event_order_failed,
	'directory.entryPublished': m.event_directory_entry_published,
	'directory.entryUpdated': m.event_directory_entry_updated
};

/** The event type's name in the current language (the raw type for one this build does not know). */
export function eventName(type: string): string {
	return (NAMES as Record<string, (() => string) | undefined>)[type]?.() ?? type;
}
