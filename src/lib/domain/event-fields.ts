// Bounded field schemas the event schemas are built from; each failure carries its error code.
import { z } from 'zod';
import { isHlcTimestamp } from './clock';
import { isCountryCode } from './countries';
import { ID_PATTERN, TOKEN_HASH_PATTERN } from './ids';
import { ROLES } from './permissions';
import { MPN_ID_PATTERN } from './rules';
import { isWebmailAddress } from './webmail';
import { MAX_LINE_QUANTITY, SUBSCRIPTION_TERMS } from './offers';

export const LIMITS = {
	name: 200,
	line: 200,
	email: 254,
	url: 500,
	phone: 40,
	text: 2000,
	postalCode: 20,
	passwordHash: 512,
	profiles: 20,
	regions: 250,
	orderLines: 20
} as const;

export const id = z
	.string()
	.max(64, 'error_field_too_long')
	.regex(ID_PATTERN, 'error_field_invalid');
export const eventId = z
	.string()
	.max(64, 'error_event_invalid_id')
	.regex(ID_PATTERN, 'error_event_invalid_id');
export const hlc = z.string().refine(isHlcTimestamp, 'error_event_invalid_timestamp');
/** Epoch milliseconds, for expiries computed on a device's clock. */
export const epochMs = z
	.int('error_field_invalid')
	.min(0, 'error_field_invalid')
	.max(8.64e15, 'error_field_invalid');

function text(max: number) {
	// No trimming transform: a parsed event must equal the stored one.
	return z
		.string('error_field_invalid')
		.max(max, 'error_field_too_long')
		.regex(/\S/, 'error_field_required');
}
export const name = text(LIMITS.name);
export const line = text(LIMITS.line);
export const longText = text(LIMITS.text);
/**
 * A reply typed into a form (the applicant's answer to a request for more information): the app
 * trims it before it becomes an event, so stray whitespace at either end is a malformed event.
 */
export const reply = longText.refine((value) => value === value.trim(), 'error_field_invalid');
export const phone = z
	.string()
	.max(LIMITS.phone, 'error_field_too_long')
	.regex(/^\+?[0-9 ()-]{3,40}$/, 'error_field_invalid');
export const email = z
	.string()
	.max(LIMITS.email, 'error_field_too_long')
	.pipe(z.email('error_email_invalid'));
export const url = z
	.string()
	.max(LIMITS.url, 'error_field_too_long')
	.pipe(z.url({ protocol: /^https?$/, error: 'error_url_invalid' }));
export const country = z.string().refine(isCountryCode, 'error_country_invalid');
export const mpnId = z
	.string()
	.max(10, 'error_mpn_id_invalid')
	.regex(MPN_ID_PATTERN, 'error_mpn_id_invalid');
export const tokenHash = z.string().regex(TOKEN_HASH_PATTERN, 'error_token_hash_invalid');
export const role = z.enum(ROLES, 'error_field_invalid');
export const roles = z
	.array(role)
	.max(ROLES.length, 'error_list_too_long')
	.refine((list) => new Set(list).size === list.length, 'error_field_invalid');
export const term = z.enum(SUBSCRIPTION_TERMS, 'error_field_invalid');
export const quantity = z
	.int('error_quantity_invalid')
	.min(1, 'error_quantity_invalid')
	.max(MAX_LINE_QUANTITY, 'error_quantity_invalid');

export function list<T extends z.ZodType>(item: T, max: number) {
	return z.array(item).min(1, 'error_list_empty').max(max, 'error_list_too_long');
}

export const postalAddress = z.strictObject({
	line1: line,
	line2: line.optional(),
	city: line,
	region: line.optional(),
	postalCode: z
		.string()
		.max(LIMITS.postalCode, 'error_field_too_long')
		.regex(/\S/, 'error_field_required'),
	country
});

/** The primary contact gets every status update, so it may not be a web-based email service. */
export const primaryContact = z.strictObject({
	name,
	email: email.refine((value) => !isWebmailAddress(value), 'error_primary_contact_webmail'),
	phone: phone.optional()
});

export const supportContact = z.strictObject({
	email,
	phone: phone.optional(),
	url: url.optional()
});

export const legalProfile = z.strictObject({ legalName: name, address: postalAddress });

export const workAccountTenant = z.strictObject({
	domain: z
		.string()
		.max(253, 'error_field_too_long')
		.regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'error_field_invalid'),
	country
});

export const partnerNetworkProfile = z.strictObject({ mpnId, legalName: name, country });

export const providerOffers = z.strictObject({
	technicalTraining: z.boolean('error_field_invalid'),
	marketingHelp: z.boolean('error_field_invalid'),
	financing: z.boolean('error_field_invalid')
});

export type PostalAddress = z.infer<typeof postalAddress>;
export type PrimaryContact = z.infer<typeof primaryContact>;
export type SupportContact = z.infer<typeof supportContact>;
export type LegalProfile = z.infer<typeof legalProfile>;
export type WorkAccountTenant = z.infer<typeof workAccountTenant>;
export type ProviderOffers = z.infer<typeof providerOffers>;
