// Turns an error code from the server or a handler (an i18n key, e.g. auth_invalid_credentials) into text.
import { m } from './paraglide/messages.js';
import { PASSWORD_POLICY_INPUTS } from './password-policy';

type Message = (inputs?: Record<string, unknown>) => string;

const catalog = m as unknown as Record<string, Message | undefined>;

/**
 * Codes are message keys by contract; an unknown code still shows a sentence, never a raw code.
 * A refusal such as auth_password_too_short names the policy's own numbers wherever it is shown.
 */
export function errorMessage(code: string, inputs: Record<string, unknown> = {}): string {
	const message = Object.hasOwn(catalog, code) ? catalog[code] : undefined;
	return typeof message === 'function'
		? message({ ...PASSWORD_POLICY_INPUTS, ...inputs })
		: m.error_unexpected();
}
