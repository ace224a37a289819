// The web-based email services a primary contact may not use (Gmail, Yahoo! Mail, iCloud Mail,
// AOL Mail, Outlook Mail), as data: edit this list, not the rule.

export interface WebmailList {
	/** whole domains, e.g. `gmail.com` */
	readonly domains: readonly string[];
	/**
	 * brands registered under many country domains: `yahoo` matches `yahoo.com`, `yahoo.co.jp`,
	 * `yahoo.com.au`, but not `yahoo.example.com`
	 */
	readonly brands: readonly string[];
}

export const DEFAULT_WEBMAIL: WebmailList = {
	domains: [
		'gmail.com',
		'googlemail.com',
		'ymail.com',
		'rocketmail.com',
		'icloud.com',
		'me.com',
		'mac.com',
		'aim.com',
		'msn.com',
		'passport.com',
		'windowslive.com'
	],
	brands: ['yahoo', 'aol', 'outlook', 'hotmail', 'live']
};

// A country or generic suffix: `com`, `jp`, `co.jp`, `com.au`, `ne.jp`, `org.uk`.
const PUBLIC_SUFFIX = /^(?:(?:co|com|ne|net|or|org)\.)?[a-z]{2,6}$/;

/** The domain part of an address, lower-cased, or null when there is none. */
export function emailDomain(email: string): string | null {
	const at = email.lastIndexOf('@');
	if (at < 1 || at === email.length - 1) return null;
	return email
		.slice(at + 1)
		.toLowerCase()
		.replace(/\.$/, '');
}

export function isWebmailDomain(domain: string, list: WebmailList = DEFAULT_WEBMAIL): boolean {
	const lower = domain.toLowerCase();
	if (list.domains.includes(lower)) return true;
	const dot = lower.indexOf('.');
	if (dot < 1) return false;
	return list.brands.includes(lower.slice(0, dot)) && PUBLIC_SUFFIX.test(lower.slice(dot + 1));
}

export function isWebmailAddress(email: string, list: WebmailList = DEFAULT_WEBMAIL): boolean {
	const domain = emailDomain(email);
	return domain !== null && isWebmailDomain(domain, list);
}
