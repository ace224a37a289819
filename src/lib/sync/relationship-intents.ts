// What a customer does with a reseller relationship: answer a customer link (Accept or Decline),
// create a customer account from one on the spot, and end a relationship (all of it, or only the
// provider of record's part). Refusals come back as i18n codes.
import {
	customerAccountAnswer,
	customerRedeemAnswer,
	INVITATION_PATHS,
	type CustomerAccountRequest,
	type CustomerRedeemAnswer
} from '$lib/protocol/invitation-api';
import { ApiError, SLOW_CALL, UnreachableError, callApi } from './api-client';
import { call, type ApiOutcome } from './partner-intents';
import { session } from './session.svelte';

export type CustomerAnswer = CustomerRedeemAnswer;

/** Accept or Decline for the signed-in customer's org: the server writes request and answer. */
export function answerCustomerInvitation(
	token: string,
	answer: CustomerRedeemAnswer['answer']
): Promise<ApiOutcome<CustomerAnswer>> {
	// A customer document new to this device comes with the channel's next documents list.
	return call(INVITATION_PATHS.redeem, customerRedeemAnswer, { token, answer });
}

export type NewCustomerAccount = Omit<CustomerAccountRequest, 'token'>;

export type NewCustomerOutcome =
	| { ok: true; answer: CustomerAnswer }
	| { ok: false; code: string; fields: Record<string, string>; retryAfterSeconds?: number };

/** Create a customer account: the org, its Global admin (signed in from now on) and the acceptance. */
export async function createCustomerAccount(
	token: string,
	account: NewCustomerAccount
): Promise<NewCustomerOutcome> {
	let response: Response;
	try {
		response = await callApi(
			'POST',
			INVITATION_PATHS.customerAccount,
			{ token, ...account } satisfies CustomerAccountRequest,
			SLOW_CALL
		);
	} catch (error) {
		if (error instanceof UnreachableError) {
			return { ok: false, code: 'partners_invitation_offline', fields: {} };
		}
		if (!(error instanceof ApiError)) throw error;
		const { code, fields, retryAfterSeconds } = error;
		return {
			ok: false,
			code,
			fields,
			...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {})
		};
	}
	const body: unknown = await response.json().catch(() => null);
	// The server set the session cookies: the app's session is the new admin's from now on.
	await session.confirm();
	const answer = customerAccountAnswer.safeParse(body);
	return answer.success
		? { ok: true, answer: answer.data.redemption }
		: { ok: false, code: 'error_unexpected', fields: {} };
}
