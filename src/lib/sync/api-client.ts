// Same-origin JSON calls to the sync server's HTTP API, with its error body turned into an ApiError.
import type { z } from 'zod';
import { refusalBody } from '$lib/protocol/api-refusal';

/** A refusal from the server: `code` is an i18n key by contract. */
export class ApiError extends Error {
	readonly status: number;
	readonly code: string;
	readonly retryAfterSeconds: number | undefined;
	/** a form's refusal: field path to its i18n code, shown next to the field */
	readonly fields: Record<string, string>;

	constructor(
		status: number,
		code: string,
		message: string,
		retryAfterSeconds?: number,
		fields: Record<string, string> = {}
	) {
		super(message);
		this.name = 'ApiError';
		this.status = status;
		this.code = code;
		this.retryAfterSeconds = retryAfterSeconds;
		this.fields = fields;
	}
}

/** The server could not be reached at all (offline, server down, timed out). */
export class UnreachableError extends Error {
	constructor(cause: unknown) {
		super('The server could not be reached', { cause });
		this.name = 'UnreachableError';
	}
}

const REQUEST_TIMEOUT_MS = 10_000;

/** For the calls that make an account (its password hashed, its documents written): 20 s. */
export const SLOW_CALL = { timeoutMs: 20_000 } as const;

export interface CallOptions {
	/** how long to wait for the answer before the server counts as unreachable (10 s) */
	readonly timeoutMs?: number;
}

export async function callApi(
	method: 'GET' | 'POST',
	path: string,
	body?: unknown,
	options: CallOptions = {}
): Promise<Response> {
	let response: Response;
	try {
		response = await fetch(path, {
			method,
			credentials: 'same-origin',
			cache: 'no-store',
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS)
		});
	} catch (error) {
		throw new UnreachableError(error);
	}
	if (response.ok) return response;
	throw await toApiError(response);
}

/** Calls and validates the JSON answer against `schema` (validation at the edge). */
export async function callJson<T>(
	method: 'GET' | 'POST',
	path: string,
	schema: z.ZodType<T>,
	body?: unknown,
	options?: CallOptions
): Promise<T> {
	const response = await callApi(method, path, body, options);
	return schema.parse(await response.json());
}

async function toApiError(response: Response): Promise<ApiError> {
	const retryHeader = Number(response.headers.get('retry-after'));
	try {
		const parsed = refusalBody.safeParse(await response.json());
		if (parsed.success) {
			const { code, message, retryAfterSeconds, fields } = parsed.data.error;
			return new ApiError(
				response.status,
				code,
				message ?? code,
				retryAfterSeconds ?? (retryHeader || undefined),
				fields
			);
		}
	} catch {
		// not JSON: fall through to a generic code
	}
	return new ApiError(response.status, 'error_unexpected', `HTTP ${response.status}`);
}
