import { describe, expect, it } from 'vitest';
import { backoffDelay } from '$lib/sync/backoff';

describe('reconnect backoff', () => {
	it('doubles per attempt with half of each delay random, up to the maximum', () => {
		const options = { baseMs: 500, maxMs: 30_000 };
		expect(backoffDelay(0, 0, options)).toBe(250);
		expect(backoffDelay(0, 0.999, options)).toBe(500);
		expect(backoffDelay(3, 0, options)).toBe(2_000);
		expect(backoffDelay(3, 0.5, options)).toBe(3_000);
		expect(backoffDelay(20, 0, options)).toBe(15_000);
		expect(backoffDelay(20, 0.999, options)).toBe(29_985);
	});

	it('spreads clients that lost the server at the same moment', () => {
		const delays = new Set([0.1, 0.3, 0.5, 0.7, 0.9].map((random) => backoffDelay(4, random)));
		expect(delays.size).toBe(5);
	});
});
