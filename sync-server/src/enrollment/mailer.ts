// Email to applicants through nodemailer: SMTP when SMTP_URL is configured; otherwise nodemailer's
// JSON transport into a local outbox (DATA_DIR/outbox, one file per message) that the program
// operator reads at the Mailbox page, and a line in the server log.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { MailboxMessage } from '$lib/protocol/enrollment-api';
import { newId } from '../accounts/tokens.js';

export interface MailMessage {
	readonly to: string;
	readonly subject: string;
	readonly text: string;
}

export interface MailerOptions {
	readonly dataDir: string;
	/** e.g. smtp://user:pass@mail.example:587; empty: the local outbox */
	readonly smtpUrl: string;
	readonly from: string;
	readonly log: Logger;
	readonly now?: () => number;
}

const MAILBOX_LIMIT = 200;
const ID_PATTERN = /^[0-9]{13}-[0-9a-f]{32}\.json$/;

export class Mailer {
	readonly #options: MailerOptions;
	readonly #transport;
	readonly #outbox: string;
	readonly #now: () => number;

	constructor(options: MailerOptions) {
		this.#options = options;
		this.#now = options.now ?? Date.now;
		this.#outbox = path.join(options.dataDir, 'outbox');
		this.#transport = options.smtpUrl
			? nodemailer.createTransport(options.smtpUrl)
			: nodemailer.createTransport({ jsonTransport: true });
	}

	get usesSmtp(): boolean {
		return this.#options.smtpUrl !== '';
	}

	/** Sends one message; failures are logged, never thrown (a status change must not fail). */
	async send(message: MailMessage): Promise<void> {
		const { from, log } = this.#options;
		try {
			const info = await this.#transport.sendMail({ from, ...message });
			if (this.usesSmtp) {
				log.info({ to: message.to, subject: message.subject }, 'email sent');
				return;
			}
			const sentAt = this.#now();
			const id = `${sentAt}-${newId()}`;
			// What the Mailbox API returns of it (the outbox file adds nodemailer's raw message).
			const stored: MailboxMessage = {
				id,
				from,
				...message,
				sentAt: new Date(sentAt).toISOString()
			};
			mkdirSync(this.#outbox, { recursive: true });
			// nodemailer built and checked the message; the outbox keeps what a mailbox shows.
			writeFileSync(
				path.join(this.#outbox, `${id}.json`),
				JSON.stringify({ ...stored, raw: JSON.parse(String(info.message)) as unknown })
			);
			// Logged so the flow can be followed from the console too; a link's token is a
			// capability, so the log names the outbox file that holds it instead.
			log.info(
				{ to: message.to, subject: message.subject, outbox: `${id}.json` },
				`email to outbox:\n${message.text.replace(/([#?&]token=)[A-Za-z0-9_-]+/g, `$1[see outbox ${id}.json]`)}`
			);
		} catch (error) {
			log.error({ err: error, to: message.to }, 'email could not be sent');
		}
	}

	/** The outbox, newest first. */
	outbox(limit = MAILBOX_LIMIT): MailboxMessage[] {
		let names: string[];
		try {
			names = readdirSync(this.#outbox).filter((name) => ID_PATTERN.test(name));
		} catch {
			return [];
		}
		return names
			.sort()
			.reverse()
			.slice(0, limit)
			.flatMap((name) => {
				try {
					const parsed = JSON.parse(readFileSync(path.join(this.#outbox, name), 'utf8')) as
						MailboxMessage | undefined;
					if (!parsed) return [];
					const { id, from, to, subject, text, sentAt } = parsed;
					return [{ id, from, to, subject, text, sentAt }];
				} catch {
					return [];
				}
			});
	}

	close(): void {
		this.#transport.close();
	}
}
