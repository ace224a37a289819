// The password policy, the same on the device (the UI checks a new password as it is typed) and on
// the server (authoritative): length over complexity rules, and no common or easily guessed
// password, nor one built on the person's own name, email, organization or tenant domain. The
// guess estimate is injected (see password-strength.ts) so this module stays small.

/** Long passphrases beat composition rules (NIST SP 800-63B); 12 is the floor we accept. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
/**
 * zxcvbn's score (0–4): 3 means about 10^8 guesses or more, i.e. not a common password, a
 * dictionary word with small changes, a keyboard walk or the user's own name or email.
 */
export const PASSWORD_MIN_SCORE = 3;

export type PasswordRefusal =
	| 'auth_password_too_short'
	| 'auth_password_too_long'
	| 'auth_password_personal'
	| 'auth_password_too_common';

/** How guessable a password is (0–4), given words of the user's own (name, email). */
export type PasswordScorer = (password: string, userInputs: readonly string[]) => number;

/**
 * What is known about the person choosing a password: the facts an attacker who targets them
 * tries first. Every place that checks a new password names them through this one shape.
 */
export interface PasswordOwner {
	readonly fullName: string;
	readonly email: string;
	readonly orgName?: string | null;
	readonly tenantDomain?: string | null;
}

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
	// zxcvbn prices each personal word at a few guesses but still multiplies by the length, so
	// "yukitanaka12" reaches score 3: the share of the person's own words is checked directly.
	if (isMostlyPersonal(password, userInputs)) return 'auth_password_personal';
	return score(password, userInputs) < PASSWORD_MIN_SCORE ? 'auth_password_too_common' : null;
}

/** The words of a user's own that a password must not lean on: name, email, org, tenant parts. */
export function personalWords(...values: readonly (string | null | undefined)[]): string[] {
	return values
		.flatMap((value) => foldCase(value ?? '').split(/[^\p{L}\p{N}]+/u))
		.filter(isDistinctiveWord);
}

/** The personal words of a password's owner, from whatever of them is known. */
export function ownerWords(owner: PasswordOwner): string[] {
	return personalWords(owner.email, owner.fullName, owner.orgName, owner.tenantDomain);
}

/** Checks a new password against everything known about its owner. */
export function checkOwnerPassword(
	password: string,
	score: PasswordScorer,
	owner: PasswordOwner
): PasswordRefusal | null {
	return checkNewPassword(password, score, ownerWords(owner));
}

// Two characters of Han or kana already make a name (田中, ゆき); Latin words need three.
const IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

function isDistinctiveWord(word: string): boolean {
	const length = [...word].length;
	return length >= 3 || (length === 2 && IDEOGRAPHIC.test(word));
}

/** Full-width letters typed with a Japanese keyboard compare equal to ASCII ones. */
function foldCase(text: string): string {
	return text.normalize('NFKC').toLowerCase();
}

/** Digits and symbols people put in place of letters ("yuk1", "t4n4k4", "$am"). */
const SUBSTITUTES: Readonly<Record<string, string>> = {
	'0': 'o',
	'1': 'il',
	'!': 'i',
	'|': 'il',
	'2': 'z',
	'3': 'e',
	'4': 'a',
	'@': 'a',
	'5': 's',
	$: 's',
	'6': 'g',
	'7': 't',
	'8': 'b',
	'9': 'g'
};

function matchesAt(password: readonly string[], at: number, word: readonly string[]): boolean {
	return word.every((letter, i) => {
		const typed = password[at + i];
		return typed === letter || (typed !== undefined && SUBSTITUTES[typed]?.includes(letter));
	});
}

/**
 * True when personal words make up more than half of the password's letters: its strength then
 * rests on digits or symbols around the person's name, which a targeted guess tries first.
 */
export function isMostlyPersonal(password: string, words: readonly string[]): boolean {
	const typed = [...foldCase(password)];
	const candidates = [...new Set(words.map(foldCase))].map((word) => [...word]);
	// covered[i]: the most characters from i on that personal words can cover.
	const covered = new Array<number>(typed.length + 1).fill(0);
	const inWord = new Array<boolean>(typed.length).fill(false);
	const choice = new Array<number>(typed.length).fill(0);
	for (let at = typed.length - 1; at >= 0; at--) {
		covered[at] = covered[at + 1] ?? 0;
		for (const word of candidates) {
			if (!matchesAt(typed, at, word)) continue;
			const total = word.length + (covered[at + word.length] ?? 0);
			if (total > (covered[at] ?? 0)) {
				covered[at] = total;
				choice[at] = word.length;
			}
		}
	}
	// choice[i]: the word starting at i in that cover, or 0 where the cover skips a character.
	for (let at = 0; at < typed.length;) {
		const length = choice[at] ?? 0;
		inWord.fill(true, at, at + length);
		at += Math.max(length, 1);
	}
	const personal = inWord.filter(Boolean).length;
	// Letters, and the digits or symbols that stand in for a letter of a personal word.
	const letters = typed.filter((char, i) => inWord[i] || /\p{L}/u.test(char)).length;
	return personal > 0 && personal * 2 > letters;
}
