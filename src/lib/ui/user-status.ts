// A user's status (the user-onboarding machine's state) as the reader's language says it.
import { m } from '$lib/i18n/paraglide/messages.js';

export const STATUS_LABELS: Readonly<Record<string, () => string>> = {
	awaitingFirstSignIn: m.users_status_awaiting_first_sign_in,
	active: m.users_status_active,
	disabled: m.users_status_disabled,
	removed: m.users_status_removed
};
