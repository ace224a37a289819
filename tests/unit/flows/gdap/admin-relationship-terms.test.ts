// An admin relationship's terms and the arithmetic of its time (issue 23): the request rules, table
// by table, then ends, extensions, buckets and reminders, including leap days and the properties
// that hold whatever the clock says.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	ADMIN_ROLES,
	ROLE_ALLOWS,
	ROLE_TEMPLATES,
	inCatalogOrder,
	isAdminRole,
	rolesAllowing
} from '$lib/flows/gdap/admin-roles';
import {
	DAY_MS,
	EXPIRY_BUCKETS,
	REMINDER_DAYS,
	approvalDeadline,
	daysLeft,
	endsAt,
	expiryBucket,
	extendedEnd,
	isoDuration,
	mayAutoExtend,
	nameKey,
	parseIsoDuration,
	remindersDue,
	termsProblems,
	type AdminRelationshipTerms
} from '$lib/flows/gdap/admin-relationship-terms';
import { catalog } from '../../i18n/catalog-files';

const valid: AdminRelationshipTerms = {
	name: 'Helpdesk for Wingtip',
	durationDays: 730,
	roles: ROLE_TEMPLATES.helpdesk,
	autoExtend: true
};

describe('an admin relationship request', () => {
	it('may be sent with a unique name, 1-730 days, known roles and auto extend without Global administrator', () => {
		expect(termsProblems(valid, [])).toEqual([]);
		expect(termsProblems({ ...valid, durationDays: 1 }, ['Licensing'])).toEqual([]);
		expect(termsProblems({ ...valid, name: 'あ'.repeat(50) }, [])).toEqual([]);
		expect(
			termsProblems({ ...valid, roles: ['globalAdministrator'], autoExtend: false }, [])
		).toEqual([]);
	});

	it.each([
		['an empty name', { name: '   ' }, 'name', 'error_field_required'],
		['a name over 50 characters', { name: 'a'.repeat(51) }, 'name', 'error_field_too_long'],
		['51 Japanese characters', { name: 'あ'.repeat(51) }, 'name', 'error_field_too_long'],
		['no days', { durationDays: 0 }, 'durationDays', 'error_gdap_duration_out_of_range'],
		['731 days', { durationDays: 731 }, 'durationDays', 'error_gdap_duration_out_of_range'],
		['part of a day', { durationDays: 1.5 }, 'durationDays', 'error_gdap_duration_out_of_range'],
		['no number', { durationDays: Number.NaN }, 'durationDays', 'error_gdap_duration_out_of_range'],
		['no role', { roles: [] }, 'roles', 'error_gdap_roles_required'],
		['an unknown role', { roles: ['tenantOwner'] }, 'roles', 'error_field_invalid'],
		['a role twice', { roles: ['globalReader', 'globalReader'] }, 'roles', 'error_field_invalid'],
		[
			'auto extend with Global administrator',
			{ roles: ['directoryReaders', 'globalAdministrator'], autoExtend: true },
			'autoExtend',
			'error_gdap_auto_extend_global_admin'
		]
	] as const)('is refused with %s', (_, change, path, code) => {
		expect(termsProblems({ ...valid, ...change }, [])).toEqual([{ path, code }]);
	});

	it('needs a name of its own with the customer: trimmed, case and width do not make it new', () => {
		for (const taken of [
			'helpdesk for wingtip',
			'  Helpdesk for Wingtip ',
			'Ｈｅｌｐｄｅｓｋ for Wingtip'
		]) {
			expect(termsProblems(valid, [taken])).toEqual([
				{ path: 'name', code: 'error_gdap_name_taken' }
			]);
		}
		expect(nameKey(' Ａｂｃ ')).toBe('abc');
	});

	it('lists every problem at once', () => {
		const problems = termsProblems(
			{ name: '', durationDays: 900, roles: ['globalAdministrator'], autoExtend: true },
			[]
		);
		expect(problems.map((problem) => problem.path)).toEqual(['name', 'durationDays', 'autoExtend']);
	});

	it('says when auto extend may be switched on', () => {
		expect(mayAutoExtend(ROLE_TEMPLATES.readOnly)).toBe(true);
		expect(mayAutoExtend(['licenseAdministrator', 'globalAdministrator'])).toBe(false);
	});
});

describe('the role catalog', () => {
	it('has a name and a one-line description of each role in both languages', () => {
		for (const locale of ['en', 'ja']) {
			const messages = catalog(locale);
			for (const role of ADMIN_ROLES) {
				expect(messages[`gdap_role_${role}`]?.trim()).toBeTruthy();
				expect(messages[`gdap_role_${role}_description`]?.trim()).toBeTruthy();
			}
			for (const template of Object.keys(ROLE_TEMPLATES)) {
				expect(messages[`gdap_template_${template}`]?.trim()).toBeTruthy();
			}
		}
		expect(catalog('ja').gdap_title).toBe('詳細な委任管理者特権 (GDAP)');
		expect(catalog('ja').gdap_admin_relationships).toBe('管理者リレーションシップ');
	});

	it('gives least-privilege templates that may auto extend', () => {
		for (const roles of Object.values(ROLE_TEMPLATES)) {
			expect(roles.every(isAdminRole)).toBe(true);
			expect(mayAutoExtend(roles)).toBe(true);
			expect(termsProblems({ ...valid, roles }, [])).toEqual([]);
		}
	});

	it('names the roles that allow each tenant action, least privileged first', () => {
		expect(rolesAllowing('manageLicenses')).toEqual([
			'licenseAdministrator',
			'userAdministrator',
			'globalAdministrator'
		]);
		expect(rolesAllowing('manageTenantUsers')).toEqual([
			'userAdministrator',
			'globalAdministrator'
		]);
		expect(ROLE_ALLOWS.globalReader).not.toContain('manageLicenses');
	});

	it('keeps a request’s roles in catalog order without repeats', () => {
		expect(
			inCatalogOrder(['globalAdministrator', 'directoryReaders', 'globalAdministrator'])
		).toEqual(['directoryReaders', 'globalAdministrator']);
	});
});

describe('the time of an admin relationship', () => {
	it('writes and reads durations as Partner Center does (P1D to P730D)', () => {
		expect(isoDuration(730)).toBe('P730D');
		expect(parseIsoDuration('P730D')).toBe(730);
		expect(parseIsoDuration('P1D')).toBe(1);
		for (const other of ['P0D', 'P731D', 'PT24H', 'P2Y', 'P1W', '730', '', 'P-1D']) {
			expect(parseIsoDuration(other)).toBeNull();
		}
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 730 }), (days) => {
				expect(parseIsoDuration(isoDuration(days))).toBe(days);
			})
		);
	});

	it('ends whole days after approval, counting a leap day like any other', () => {
		expect(endsAt(Date.UTC(2028, 1, 28, 12), 1)).toBe(Date.UTC(2028, 1, 29, 12));
		expect(endsAt(Date.UTC(2027, 2, 1), 365)).toBe(Date.UTC(2028, 1, 29));
		expect(endsAt(Date.UTC(2028, 2, 1), 365)).toBe(Date.UTC(2029, 2, 1));
		// 730 days across a leap day: one day short of two calendar years.
		expect(endsAt(Date.UTC(2027, 5, 1), 730)).toBe(Date.UTC(2029, 4, 31));
	});

	it('ends at the same instant in every time zone (a day is 24 hours, even across a clock change)', () => {
		// Approved at 09:00 in Tokyo and in New York the day before daylight saving time ends.
		const tokyo = Date.parse('2026-10-31T09:00:00+09:00');
		const newYork = Date.parse('2026-10-31T09:00:00-04:00');
		expect(new Date(endsAt(tokyo, 2)).toISOString()).toBe('2026-11-02T00:00:00.000Z');
		// In New York the end is 08:00 local on 2 November: 48 hours later, across the change.
		expect(new Date(endsAt(newYork, 2)).toISOString()).toBe('2026-11-02T13:00:00.000Z');
		fc.assert(
			fc.property(
				fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
				fc.integer({ min: 1, max: 730 }),
				(at, days) => {
					expect(endsAt(at, days) - at).toBe(days * DAY_MS);
					expect(extendedEnd(endsAt(at, days)) - endsAt(at, days)).toBe(180 * DAY_MS);
				}
			)
		);
	});

	it('lets an unanswered request lapse after 90 days', () => {
		expect(approvalDeadline(Date.UTC(2026, 0, 1))).toBe(Date.UTC(2026, 3, 1));
	});

	it('counts days left with part of a day as one, and none once ended', () => {
		const end = Date.UTC(2027, 0, 31);
		expect(daysLeft(end, end - 1)).toBe(1);
		expect(daysLeft(end, end - DAY_MS)).toBe(1);
		expect(daysLeft(end, end - DAY_MS - 1)).toBe(2);
		expect(daysLeft(end, end)).toBe(0);
		expect(daysLeft(end, end + DAY_MS)).toBe(0);
	});

	it('puts each relationship in the Expiring relationships bucket of its time left', () => {
		const end = Date.UTC(2027, 0, 31);
		const at = (left: number) => expiryBucket(end, end - left);
		expect(at(1)).toBe('withinDay');
		expect(at(DAY_MS)).toBe('withinDay');
		expect(at(DAY_MS + 1)).toBe('withinWeek');
		expect(at(7 * DAY_MS)).toBe('withinWeek');
		expect(at(7 * DAY_MS + 1)).toBe('withinMonth');
		expect(at(30 * DAY_MS)).toBe('withinMonth');
		expect(at(30 * DAY_MS + 1)).toBe('later');
		expect(at(0)).toBe('expired');
		expect(at(-365 * DAY_MS)).toBe('expired');
		expect(at(-365 * DAY_MS - 1)).toBeNull();
	});

	it('only moves a relationship to sooner buckets as time goes on', () => {
		// From far off to gone: later, within 30, 7, 1 days, expired, no longer shown.
		const order = ['expired', 'withinDay', 'withinWeek', 'withinMonth', 'later'] as const;
		const rank = (bucket: ReturnType<typeof expiryBucket>) =>
			bucket === null ? -1 : order.indexOf(bucket);
		expect([...order].sort()).toEqual([...EXPIRY_BUCKETS].sort());
		fc.assert(
			fc.property(
				fc.integer({ min: -400 * DAY_MS, max: 800 * DAY_MS }),
				fc.integer({ min: 0, max: 400 * DAY_MS }),
				(left, later) => {
					const end = Date.UTC(2027, 0, 1);
					const first = expiryBucket(end, end - left);
					const then = expiryBucket(end, end - left + later);
					expect(rank(then)).toBeLessThanOrEqual(rank(first));
				}
			)
		);
	});

	it('sends each reminder once across reminder runs that follow one another', () => {
		const end = Date.UTC(2027, 0, 31, 15);
		// Runs less than a day apart (an hour at least, so a run stays short) see every reminder,
		// each once.
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 3_600_000, max: DAY_MS - 1 }), {
					minLength: 1,
					maxLength: 200
				}),
				(gaps) => {
					const sent: number[] = [];
					let after = end - 40 * DAY_MS;
					let index = 0;
					while (after < end + DAY_MS) {
						const now = after + (gaps[index++ % gaps.length] as number);
						sent.push(...remindersDue(end, after, now));
						after = now;
					}
					expect(sent).toEqual([...REMINDER_DAYS]);
				}
			)
		);
		// After a pause, only the latest reminder due is news.
		expect(remindersDue(end, end - 40 * DAY_MS, end - 3 * DAY_MS)).toEqual([7]);
		expect(remindersDue(end, end - 3 * DAY_MS, end + DAY_MS)).toEqual([0]);
		expect(remindersDue(end, end, end + DAY_MS)).toEqual([]);
	});
});
