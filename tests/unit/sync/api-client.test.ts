// The app's one HTTP caller: a refusal becomes an ApiError with the body's code, field errors and
// wait; no answer at all, an UnreachableError; how long it waits is the caller's to lengthen.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, SLOW_CALL, UnreachableError, callApi } from '$lib/sync/api-client';

const fetchMock = vi.fn<typeof fetch>();
vi.stubGlobal('fetch', fetchMock);
const timeout = vi.spyOn(AbortSignal, 'timeout');

afterEach(() => {
	fetchMock.mockReset();
	timeout.mockClear();
});
afterAll(() => {
	vi.unstubAllGlobals();
	timeout.mockRestore();
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
	new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json', ...headers }
	});

async function refusalOf(call: Promise<unknown>): Promise<unknown> {
	try {
		await call;
	} catch (error) {
		return error;
	}
	throw new Error('the call was not refused');
}

describe('callApi', () => {
	it('throws a refusal as an ApiError with its code, field errors and wait', async () => {
		fetchMock.mockResolvedValue(
			json(
				429,
				{
					error: {
						code: 'error_field_invalid',
						message: 'error_field_invalid',
						retryAfterSeconds: 7,
						fields: { 'admin.email': 'error_email_taken' }
					}
				},
				{ 'retry-after': '7' }
			)
		);
		const error = await refusalOf(callApi('POST', '/api/x', { a: 1 }));
		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({
			status: 429,
			code: 'error_field_invalid',
			retryAfterSeconds: 7,
			fields: { 'admin.email': 'error_email_taken' }
		});
	});

	it('gives a refusal without field errors none, and one it cannot read error_unexpected', async () => {
		fetchMock.mockResolvedValueOnce(json(401, { error: { code: 'auth_not_signed_in' } }));
		expect(await refusalOf(callApi('GET', '/api/x'))).toMatchObject({
			status: 401,
			code: 'auth_not_signed_in',
			fields: {}
		});
		fetchMock.mockResolvedValueOnce(new Response('<html>', { status: 502 }));
		expect(await refusalOf(callApi('GET', '/api/x'))).toMatchObject({
			status: 502,
			code: 'error_unexpected',
			fields: {}
		});
	});

	it('throws UnreachableError when no answer comes', async () => {
		fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
		expect(await refusalOf(callApi('GET', '/api/x'))).toBeInstanceOf(UnreachableError);
	});

	it('waits 10 s for an answer, or as long as the caller says (20 s for the calls that make accounts)', async () => {
		fetchMock.mockImplementation(() => Promise.resolve(json(200, {})));
		await callApi('GET', '/api/x');
		await callApi('POST', '/api/x', {}, SLOW_CALL);
		expect(timeout.mock.calls).toEqual([[10_000], [20_000]]);
	});
});
