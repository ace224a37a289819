// The guess estimate behind the password policy: zxcvbn-ts with its common-password and
// keyboard-pattern lists. Deterministic and pure; the app loads it lazily (the lists are large).
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { PASSWORD_MAX_LENGTH, type PasswordScorer } from './password-policy';

let estimator: ZxcvbnFactory | undefined;

function zxcvbn(): ZxcvbnFactory {
	estimator ??= new ZxcvbnFactory({
		dictionary,
		graphs: adjacencyGraphs,
		maxLength: PASSWORD_MAX_LENGTH
	});
	return estimator;
}

/** zxcvbn's 0–4 score; the product's own name counts as a word the user might lean on. */
export const scorePassword: PasswordScorer = (password, userInputs) =>
	zxcvbn().check(password, ['tiertwo', ...userInputs]).score;
