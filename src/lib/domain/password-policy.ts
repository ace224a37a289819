// The password policy, the same on the device (the UI checks a new password as it is typed) and on
// the server (authoritative): length over complexity rules, and no common or easily guessed
// password. The guess estimate is injected (see password-strength.ts) so this module stays small.

/** Long passphrases beat composition rules (NIST SP 800-63B); 12 is the floor we accept. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
/**
 * zxcvbn's score (0–4): 3 means about 10^8 guesses or more, i.e. not a common password, a
 * dictionary word with small changes, a keyboard walk or the user's own name or email.
 */
export const PASSWORD_MIN_SCORE = 3;

export type PasswordRefusal =
	'auth_password_too_short' | 'auth_password_too_long' | 'auth_password_too_common';

/** How guessable a password is (0–4), given words of the user's own (name, email). */
export type PasswordScorer = (password: string, userInputs: readonly string[]) => number;

/** Characters as people count them (code points), not UTF-16 units. */
export function passwordLength(password: string): number {
	return [...password.normalize('NFC')].length;
}

/** Why `password` may not be chosen, or null when it may. */
export function checkNewPassword(
	password: string,
	score: PasswordScorer,
	userInputs: readonly string[] = []
): PasswordRefusal | null {
	const length = passwordLength(password);
	if (length < PASSWORD_MIN_LENGTH) return 'auth_password_too_short';
	if (length > PASSWORD_MAX_LENGTH) return 'auth_password_too_long';
	return score(password, userInputs) < PASSWORD_MIN_SCORE ? 'auth_password_too_common' : null;
}

/** The words of a user's own that a password must not lean on: name parts and email parts. */
export function personalWords(...values: readonly string[]): string[] {
	return values
		.flatMap((value) => value.toLowerCase().split(/[^\p{L}\p{N}]+/u))
		.filter((word) => word.length >= 3);
}
