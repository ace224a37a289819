// The password policy in words, from the constants that enforce it: every page that asks for a new
// password states the same rule, and the stated minimum is the enforced one in every language.
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '$lib/domain/password-policy';
import { m } from './paraglide/messages.js';

/** The numbers a password message may name ({min}, {max}); never written into a catalog. */
export const PASSWORD_POLICY_INPUTS = {
	min: PASSWORD_MIN_LENGTH,
	max: PASSWORD_MAX_LENGTH
} as const;

/** What a new password must be, as a hint next to the field. */
export function passwordPolicy(): string {
	return m.password_policy(PASSWORD_POLICY_INPUTS);
}
