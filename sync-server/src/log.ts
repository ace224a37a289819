// Structured logs (pino). Nothing that could hold a credential is ever logged: request headers are
// not serialized at all, and known secret fields are redacted wherever they appear.
import { pino, type Logger } from 'pino';

export function createLogger(level: string): Logger {
	return pino({
		level,
		base: { service: 'tiertwo-sync' },
		redact: {
			paths: [
				'password',
				'*.password',
				'currentPassword',
				'*.currentPassword',
				'newPassword',
				'*.newPassword',
				'token',
				'*.token',
				'cookie',
				'*.cookie',
				'headers',
				'*.headers',
				'passwordHash',
				'*.passwordHash'
			],
			censor: '[redacted]'
		}
	});
}
