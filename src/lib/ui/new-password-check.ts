// A new password checked on this device exactly as the server will check it: the same policy and
// the same facts about its owner. The guess estimator's lists are large: loaded only when needed.
import {
	checkOwnerPassword,
	type PasswordOwner,
	type PasswordRefusal
} from '$lib/domain/password-policy';

export async function newPasswordRefusal(
	password: string,
	owner: PasswordOwner
): Promise<PasswordRefusal | null> {
	const { scorePassword } = await import('$lib/domain/password-strength');
	return checkOwnerPassword(password, scorePassword, owner);
}
