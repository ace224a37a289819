// The emails the primary contact receives about an enrollment application, in English and Japanese
// (the server does not know the reader's language; Partner Center's Japanese terms, GLOSSARY.md).
import type { OrgDocumentState } from '$lib/flows/documents/document-state';
import type { MailMessage } from './mailer.js';

function applicant(state: OrgDocumentState): string {
	return state.enrollment.legalProfile?.legalName ?? state.org?.legalName ?? state.orgId;
}

export function verificationEmail(to: string, state: OrgDocumentState, link: string): MailMessage {
	const name = applicant(state);
	return {
		to,
		subject: `Verify your email address for ${name}'s enrollment / 登録のためのメール アドレスの確認`,
		text: [
			`${name} enrolled as an indirect reseller and named you as its primary contact.`,
			'Open this link to verify your email address. It expires in 7 days and works once.',
			'',
			link,
			'',
			`${name} が間接リセラーとして登録し、あなたを第一連絡先担当者に指定しました。`,
			'次のリンクを開いてメール アドレスを確認してください。リンクの有効期限は 7 日間で、1 回だけ使用できます。'
		].join('\n')
	};
}

const STATUS_TEXT: Record<string, { en: string; ja: string; subject: string }> = {
	underReview: {
		subject: 'Your enrollment is under review / 登録を審査しています',
		en: 'Your enrollment application is under review. Review can take several days; we will email you when it is done.',
		ja: '登録申請を審査しています。審査には数日かかる場合があります。完了したらメールでお知らせします。'
	},
	infoRequested: {
		subject: 'More information requested for your enrollment / 登録に追加情報が必要です',
		en: 'The program needs more information about your enrollment application:',
		ja: '登録申請について追加の情報が必要です:'
	},
	rejected: {
		subject: 'Your enrollment was rejected / 登録が却下されました',
		en: 'Your enrollment application was rejected. Reason:',
		ja: '登録申請は却下されました。理由:'
	},
	adminAgentCheck: {
		subject: 'Your enrollment was approved / 登録が承認されました',
		en: 'Your enrollment application was approved and your account is ready. Sign in and check that you are in the Admin agent group (Settings > User management > your name > Admin agent > Update).',
		ja: '登録申請は承認され、アカウントの準備ができました。サインインして、管理エージェント グループに属していることを確認してください ([設定] > [ユーザー管理] > 自分の名前 > [管理エージェント] > [更新])。'
	}
};

export function statusEmail(to: string, state: OrgDocumentState, appUrl: string): MailMessage {
	const text = STATUS_TEXT[state.enrollment.status];
	const detail =
		state.enrollment.status === 'rejected'
			? state.enrollment.rejectionReason
			: state.enrollment.status === 'infoRequested'
				? state.enrollment.infoRequest
				: null;
	const name = applicant(state);
	return {
		to,
		subject: text?.subject ?? `Enrollment status: ${state.enrollment.status}`,
		text: [
			`${name}`,
			'',
			text?.en ?? state.enrollment.status,
			...(detail ? ['', detail] : []),
			'',
			text?.ja ?? '',
			...(detail ? ['', detail] : []),
			'',
			`${appUrl}/enrollment`
		].join('\n')
	};
}
