// The terms of an admin relationship (GDAP) and the arithmetic of its time: what a request may ask
// (a name unique per partner and customer, at most 50 characters; 1-730 days; at least one role;
// auto extend by 180 days, never with Global administrator), when it ends, when an unanswered
// request lapses (90 days), how much time is left and in which bucket of the Expiring
// relationships page it falls, and which reminders (30, 7 and 1 days before, and at expiry) fall
// due in a span of time. Time is milliseconds since the epoch (UTC) and a day is 24 hours, so an
// end is the same instant in every time zone and a leap day counts like any other.
import type { ErrorCode } from '$lib/domain/errors';
import { GLOBAL_ADMINISTRATOR, isAdminRole } from './admin-roles';

export const DAY_MS = 86_400_000;
export const NAME_MAX_LENGTH = 50;
export const MIN_DURATION_DAYS = 1;
export const MAX_DURATION_DAYS = 730;
export const DEFAULT_DURATION_DAYS = 730;
export const AUTO_EXTEND_DAYS = 180;
/** An approval link no one acted on lapses after this long. */
export const APPROVAL_WINDOW_DAYS = 90;
/** Reminders before the end, in days (0: at expiry). */
export const REMINDER_DAYS = [30, 7, 1, 0] as const;
/** How long an expired relationship stays on the Expiring relationships page. */
export const EXPIRED_SHOWN_DAYS = 365;

/** What a partner asks of a customer. */
export interface AdminRelationshipTerms {
	readonly name: string;
	readonly durationDays: number;
	readonly roles: readonly string[];
	readonly autoExtend: boolean;
}

export interface TermsProblem {
	readonly path: 'name' | 'durationDays' | 'roles' | 'autoExtend';
	readonly code: ErrorCode;
}

/** How names are compared for uniqueness: trimmed, width and case folded. */
export function nameKey(name: string): string {
	return name.trim().normalize('NFKC').toLowerCase();
}

/**
 * What is wrong with `terms` (none: they may be sent), given the names of the partner's other
 * relationships with the same customer. Every problem is listed, each with the field it is about.
 */
export function termsProblems(
	terms: AdminRelationshipTerms,
	otherNames: readonly string[]
): TermsProblem[] {
	const problems: TermsProblem[] = [];
	const name = terms.name.trim();
	const key = nameKey(name);
	if (name === '') problems.push({ path: 'name', code: 'error_field_required' });
	else if ([...name].length > NAME_MAX_LENGTH) {
		problems.push({ path: 'name', code: 'error_field_too_long' });
	} else if (otherNames.some((other) => nameKey(other) === key)) {
		problems.push({ path: 'name', code: 'error_gdap_name_taken' });
	}
	if (
		!Number.isInteger(terms.durationDays) ||
		terms.durationDays < MIN_DURATION_DAYS ||
		terms.durationDays > MAX_DURATION_DAYS
	) {
		problems.push({ path: 'durationDays', code: 'error_gdap_duration_out_of_range' });
	}
	if (terms.roles.length === 0) problems.push({ path: 'roles', code: 'error_gdap_roles_required' });
	else if (!terms.roles.every(isAdminRole) || new Set(terms.roles).size !== terms.roles.length) {
		problems.push({ path: 'roles', code: 'error_field_invalid' });
	}
	if (terms.autoExtend && !mayAutoExtend(terms.roles)) {
		problems.push({ path: 'autoExtend', code: 'error_gdap_auto_extend_global_admin' });
	}
	return problems;
}

/** Whether auto extend may be switched on with these roles (not with Global administrator). */
export function mayAutoExtend(roles: readonly string[]): boolean {
	return !roles.includes(GLOBAL_ADMINISTRATOR);
}

/** The ISO 8601 duration Partner Center and Graph write (`P730D`). */
export function isoDuration(days: number): string {
	return `P${days}D`;
}

/** Days from an ISO 8601 duration of whole days (`P1D` to `P730D`); null for any other form. */
export function parseIsoDuration(value: string): number | null {
	const match = /^P(\d{1,3})D$/.exec(value);
	if (!match) return null;
	const days = Number(match[1]);
	return days >= MIN_DURATION_DAYS && days <= MAX_DURATION_DAYS ? days : null;
}

/** When a relationship approved at `activatedAt` for `durationDays` ends. */
export function endsAt(activatedAt: number, durationDays: number): number {
	return activatedAt + durationDays * DAY_MS;
}

/** The new end when auto extend renews a relationship at its end. */
export function extendedEnd(end: number): number {
	return end + AUTO_EXTEND_DAYS * DAY_MS;
}

/** When a request sent at `requestedAt` lapses if no one approved or rejected it. */
export function approvalDeadline(requestedAt: number): number {
	return requestedAt + APPROVAL_WINDOW_DAYS * DAY_MS;
}

/** Whole days left until `end` (a part of a day counts as one); 0 once it has ended. */
export function daysLeft(end: number, now: number): number {
	return end <= now ? 0 : Math.ceil((end - now) / DAY_MS);
}

/** The Expiring relationships page's buckets, soonest first. */
export const EXPIRY_BUCKETS = [
	'withinDay',
	'withinWeek',
	'withinMonth',
	'later',
	'expired'
] as const;
export type ExpiryBucket = (typeof EXPIRY_BUCKETS)[number];

/**
 * Where a relationship ending at `end` stands at `now`: within 1, 7 or 30 days, later, or expired
 * within the last year; null once it expired longer ago than that (no longer shown).
 */
export function expiryBucket(end: number, now: number): ExpiryBucket | null {
	if (end <= now) return now - end <= EXPIRED_SHOWN_DAYS * DAY_MS ? 'expired' : null;
	const left = end - now;
	if (left <= DAY_MS) return 'withinDay';
	if (left <= 7 * DAY_MS) return 'withinWeek';
	if (left <= 30 * DAY_MS) return 'withinMonth';
	return 'later';
}

/**
 * The reminders (days before `end`, 0 at expiry) whose moment falls after `after` and at or
 * before `now`: what a reminder run covering that span sends, each once across runs that follow
 * one another. A run after a long pause sends only the latest one due (a week late, the 7-day
 * reminder is news; the 30-day one is not).
 */
export function remindersDue(end: number, after: number, now: number): number[] {
	const due = REMINDER_DAYS.filter((days) => {
		const at = end - days * DAY_MS;
		return at > after && at <= now;
	});
	return due.length > 0 ? [due[due.length - 1] as number] : [];
}
