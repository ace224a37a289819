import { describe, expect, it } from 'vitest';
import {
	compareHlc,
	createHlc,
	hlcMillis,
	HybridLogicalClock,
	isHlcTimestamp,
	parseHlc,
	receive,
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
