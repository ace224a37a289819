import { describe, expect, it } from 'vitest';
import {
	compareHlc,
	createHlc,
	eventTimeRefusal,
	formatHlc,
	hlcMillis,
	HybridLogicalClock,
	isHlcTimestamp,
	MAX_FUTURE_SKEW_MS,
	MAX_PAST_AGE_MS,
	parseHlc,
	receive,
	serverClockOffset,
	tick
} from '$lib/domain/clock';
import {
	createIdGenerator,
	idFromBytes,
	isId,
	PROGRAM_ORG_ID,
	SYSTEM_USER_ID
} from '$lib/domain/ids';

describe('hybrid logical clock', () => {
	it('orders events from one device even when its wall clock goes backwards', () => {
		const clock = new HybridLogicalClock('phone');
		const a = clock.now(2_000);
		const b = clock.now(1_000);
		const c = clock.now(1_000);
		expect(compareHlc(a, b)).toBeLessThan(0);
		expect(compareHlc(b, c)).toBeLessThan(0);
		expect(hlcMillis(c)).toBe(2_000);
	});

	it('sorts after a remote timestamp it has seen', () => {
		const clock = new HybridLogicalClock('laptop');
		const remote = new HybridLogicalClock('phone').now(50_000);
		clock.observe(remote, 10_000);
		expect(compareHlc(clock.now(10_000), remote)).toBeGreaterThan(0);
	});

	it('takes the newest of local, remote and wall time when merging', () => {
		let state = createHlc('a');
		[state] = tick(state, 5);
		state = receive(state, '000000000000005-00007-b', 5);
		expect(state).toEqual({ wall: 5, counter: 8, node: 'a' });
		state = receive(state, '000000000000003-00000-b', 9);
		expect(state).toEqual({ wall: 9, counter: 0, node: 'a' });
	});

	it('borrows a millisecond rather than overflow its counter', () => {
		const [next] = tick({ wall: 7, counter: 99_999, node: 'a' }, 7);
		expect(next).toEqual({ wall: 8, counter: 0, node: 'a' });
	});

	it('formats timestamps that parse back and validate', () => {
		const [, at] = tick(createHlc('node-1'), 1_750_000_000_123);
		expect(isHlcTimestamp(at)).toBe(true);
		expect(parseHlc(at)).toEqual({ wall: 1_750_000_000_123, counter: 0, node: 'node-1' });
		expect(isHlcTimestamp('2025-01-01T00:00:00Z')).toBe(false);
		expect(() => createHlc('Bad Node')).toThrow();
	});
});

describe('clock bounds', () => {
	const NOW = 1_750_000_000_000;
	const stamp = (wall: number) => formatHlc({ wall, counter: 0, node: 'x' });

	it('lets the server refuse stamps beyond the skew ahead of its clock, or older than new work may be', () => {
		expect(MAX_FUTURE_SKEW_MS).toBe(5 * 60_000);
		expect(MAX_PAST_AGE_MS).toBe(90 * 86_400_000);
		expect(eventTimeRefusal(stamp(NOW), NOW)).toBeNull();
		expect(eventTimeRefusal(stamp(NOW + MAX_FUTURE_SKEW_MS), NOW)).toBeNull();
		expect(eventTimeRefusal(stamp(NOW + MAX_FUTURE_SKEW_MS + 1), NOW)).toBe(
			'error_event_in_future'
		);
		expect(eventTimeRefusal('999999999999999-99999-x', NOW)).toBe('error_event_in_future');
		// A laptop offline for weeks delivers its work; 1970 is not late work.
		expect(eventTimeRefusal(stamp(NOW - 30 * 86_400_000), NOW)).toBeNull();
		expect(eventTimeRefusal(stamp(NOW - MAX_PAST_AGE_MS), NOW)).toBeNull();
		expect(eventTimeRefusal(stamp(NOW - MAX_PAST_AGE_MS - 1), NOW)).toBe('error_event_too_old');
		expect(eventTimeRefusal(stamp(1_000), NOW)).toBe('error_event_too_old');
	});

	it('is not dragged past the skew by a far-future remote stamp, and still makes valid ones', () => {
		const clock = new HybridLogicalClock('phone');
		clock.observe('999999999999999-99999-x', NOW);
		const at = clock.now(NOW);
		expect(isHlcTimestamp(at)).toBe(true);
		expect(hlcMillis(at)).toBe(NOW);
		expect(eventTimeRefusal(at, NOW)).toBeNull();
		// Just past the skew is ignored too; within it, the remote stamp is followed as before.
		clock.observe(stamp(NOW + MAX_FUTURE_SKEW_MS + 1), NOW);
		expect(hlcMillis(clock.now(NOW))).toBe(NOW);
		clock.observe(stamp(NOW + 60_000), NOW);
		expect(hlcMillis(clock.now(NOW))).toBe(NOW + 60_000);
	});

	it('recovers from a state already beyond the skew (dragged before stamps were bounded)', () => {
		const [next, at] = tick({ wall: 999_999_999_999_999, counter: 99_999, node: 'a' }, NOW);
		expect(next).toEqual({ wall: NOW, counter: 0, node: 'a' });
		expect(isHlcTimestamp(at)).toBe(true);
		const merged = receive(
			{ wall: 999_999_999_999_999, counter: 5, node: 'a' },
			stamp(NOW - 1),
			NOW
		);
		expect(merged).toEqual({ wall: NOW, counter: 1, node: 'a' });
	});

	it('reads how far the server’s clock is from the device’s off a response Date', () => {
		const date = (ms: number) => Date.parse(new Date(ms).toUTCString());
		// A clock that agrees within the header's second and the round trip is left as it is.
		expect(serverClockOffset(NOW, NOW + 80, date(NOW + 40))).toBe(0);
		// Two hours behind the server: corrected to within a second.
		const offset = serverClockOffset(NOW, NOW + 80, date(NOW + 40 + 7_200_000));
		expect(Math.abs((offset ?? 0) - 7_200_000)).toBeLessThan(1_000);
		// Ten minutes ahead (a device with its clock set forward).
		const behind = serverClockOffset(NOW, NOW + 80, date(NOW + 40 - 600_000));
		expect(Math.abs((behind ?? 0) + 600_000)).toBeLessThan(1_000);
		expect(serverClockOffset(NOW, NOW + 80, Number.NaN)).toBeUndefined();
		expect(serverClockOffset(NOW + 80, NOW, date(NOW))).toBeUndefined();
	});
});

describe('ids', () => {
	it('names the server author and the program operator', () => {
		expect(SYSTEM_USER_ID).toBe('system');
		expect(PROGRAM_ORG_ID).toBe('program');
		expect(isId(SYSTEM_USER_ID) && isId(PROGRAM_ORG_ID)).toBe(true);
	});

	it('makes 128-bit ids from the caller’s random bytes', () => {
		let n = 0;
		const next = createIdGenerator((bytes) => bytes.fill(++n));
		expect(next()).toBe('01'.repeat(16));
		expect(next()).toBe('02'.repeat(16));
		expect(() => idFromBytes(new Uint8Array(8))).toThrow(RangeError);
	});

	it('accepts only lower-case letters, digits and dashes up to 64 characters', () => {
		expect(isId('a-1')).toBe(true);
		expect(isId('A')).toBe(false);
		expect(isId('')).toBe(false);
		expect(isId('a'.repeat(65))).toBe(false);
		expect(isId(3)).toBe(false);
	});
});
