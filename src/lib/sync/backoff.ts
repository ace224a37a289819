// Reconnect delays: exponential with "equal jitter" (half fixed, half random), so many tabs or
// devices that lost the server at the same moment do not all come back at the same moment.

export interface BackoffOptions {
	baseMs: number;
	maxMs: number;
}

export const RECONNECT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/** Delay before attempt `attempt` (0 = first retry); `random` in [0, 1). */
export function backoffDelay(
	attempt: number,
	random: number,
	{ baseMs, maxMs }: BackoffOptions = RECONNECT_BACKOFF
): number {
	const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
	return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
