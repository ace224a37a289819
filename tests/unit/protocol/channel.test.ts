// The channel's framing (src/lib/protocol/channel.ts): what the app and the server both read.
import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import {
	MAX_NAME_LENGTH,
	MAX_SUMMARIES_ASKED,
	decodeFrame,
	encodeControl,
	encodeDocFrame,
	readClientControl,
	readServerControl
} from '$lib/protocol/channel';

const bytes = (...values: number[]) => new Uint8Array(values);

/** A frame written by hand: a name, then whatever `write` puts after it. */
function rawFrame(name: string, write: (encoder: encoding.Encoder) => void = () => {}): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, name);
	write(encoder);
	return encoding.toUint8Array(encoder);
}

describe('channel frames', () => {
	it('carries a document’s message unchanged under its name', () => {
		const message = bytes(0, 0, 3, 1, 2, 3);
		expect(decodeFrame(encodeDocFrame('customer/wingtip', message))).toEqual({
			kind: 'doc',
			doc: 'customer/wingtip',
			message
		});
	});

	it('keeps interleaved documents’ messages apart, in order', () => {
		const sent = [
			['org/contoso', bytes(0, 1)],
			['customer/wingtip', bytes(1, 2, 3)],
			['org/contoso', bytes(0, 2, 7)],
			['customer/fabrikam', bytes()]
		] as const;
		const received = sent.map(([doc, message]) => decodeFrame(encodeDocFrame(doc, message)));
		expect(received).toEqual(sent.map(([doc, message]) => ({ kind: 'doc', doc, message })));
	});

	it('round-trips control messages of both sides', () => {
		const controls = [
			{ type: 'open', doc: 'org/contoso', ack: true },
			{ type: 'close', doc: 'org/contoso' },
			{ type: 'opened', doc: 'org/contoso' },
			{ type: 'closed', doc: 'org/contoso', code: 4403, reason: 'sync_access_revoked' },
			{
				type: 'documents',
				documents: [{ name: 'org/contoso', access: 'write', version: 3, changedAt: '' }]
			},
			{ type: 'changed', documents: [{ name: 'org/contoso', version: 4, changedAt: '' }] },
			{ type: 'summaries', docs: ['customer/wingtip'] },
			{
				type: 'summaries',
				summaries: [{ name: 'customer/wingtip', version: 2, rows: { customers: [] } }]
			}
		] as const;
		for (const control of controls) {
			expect(decodeFrame(encodeControl(control))).toEqual({ kind: 'control', control });
		}
	});

	it('refuses to frame a document without a name', () => {
		expect(() => encodeDocFrame('', bytes(0))).toThrow(RangeError);
	});

	it('throws on frames that are not one', () => {
		const malformed = [
			bytes(),
			bytes(0x80),
			bytes(5, 0x61),
			rawFrame('x'.repeat(MAX_NAME_LENGTH + 1), (e) => encoding.writeUint8(e, 0)),
			rawFrame('', (e) => encoding.writeVarString(e, '{not json')),
			rawFrame(''),
			rawFrame('', (e) => {
				encoding.writeVarString(e, '{"type":"close","doc":"org/contoso"}');
				encoding.writeUint8(e, 1);
			})
		];
		for (const frame of malformed) expect(() => decodeFrame(frame)).toThrow();
	});
});

describe('control messages', () => {
	it('reads the app’s open and close', () => {
		expect(readClientControl({ type: 'open', doc: 'org/contoso', ack: false })).toEqual({
			type: 'open',
			doc: 'org/contoso',
			ack: false
		});
		expect(readClientControl({ type: 'close', doc: 'org/contoso', extra: 1 })).toEqual({
			type: 'close',
			doc: 'org/contoso'
		});
		expect(readClientControl({ type: 'summaries', docs: ['org/a', 'org/b', 'org/a'] })).toEqual({
			type: 'summaries',
			docs: ['org/a', 'org/b']
		});
	});

	it('turns down badly shaped client controls', () => {
		const bad: unknown[] = [
			null,
			'open',
			42,
			[],
			{ type: 'open', doc: 'org/contoso' },
			{ type: 'open', doc: 'org/contoso', ack: 'yes' },
			{ type: 'open', doc: '', ack: true },
			{ type: 'open', doc: 'x'.repeat(MAX_NAME_LENGTH + 1), ack: true },
			{ type: 'close' },
			{ type: 'close', doc: 7 },
			{ type: 'opened', doc: 'org/contoso' },
			{ type: 'delete', doc: 'org/contoso' },
			{ type: 'summaries', docs: [] },
			{ type: 'summaries', docs: 'org/a' },
			{ type: 'summaries', docs: ['org/a', ''] },
			{
				type: 'summaries',
				docs: Array.from({ length: MAX_SUMMARIES_ASKED + 1 }, (_, i) => `org/${i}`)
			}
		];
		for (const control of bad) expect(readClientControl(control)).toBeNull();
	});

	it('reads the server’s controls, keeping only well-formed listed documents', () => {
		expect(readServerControl({ type: 'opened', doc: 'org/contoso' })).toEqual({
			type: 'opened',
			doc: 'org/contoso'
		});
		expect(
			readServerControl({ type: 'closed', doc: 'org/contoso', code: 4400, reason: 'x' })
		).toEqual({ type: 'closed', doc: 'org/contoso', code: 4400, reason: 'x' });
		expect(
			readServerControl({
				type: 'documents',
				documents: [
					{ name: 'org/contoso', access: 'read', version: 2, changedAt: 'x', extra: true },
					{ name: 'org/wingtip', access: 'admin', version: 1, changedAt: '' },
					{ name: 'org/fabrikam', access: 'read', changedAt: '' },
					{ name: 'org/adatum', access: 'read', version: -1, changedAt: '' },
					{ name: '', access: 'write', version: 1, changedAt: '' },
					null
				]
			})
		).toEqual({
			type: 'documents',
			documents: [{ name: 'org/contoso', access: 'read', version: 2, changedAt: 'x' }]
		});
		expect(
			readServerControl({
				type: 'changed',
				documents: [{ name: 'org/contoso', version: 5, changedAt: '' }, { name: 'org/x' }]
			})
		).toEqual({ type: 'changed', documents: [{ name: 'org/contoso', version: 5, changedAt: '' }] });
		expect(
			readServerControl({
				type: 'summaries',
				summaries: [
					{ name: 'customer/a', version: 1, rows: { customers: [{ customerId: 'a' }] } },
					{ name: 'customer/b', version: 1, rows: { customers: 'all' } },
					{ name: 'customer/c', version: 1, rows: { customers: [7] } }
				]
			})
		).toEqual({
			type: 'summaries',
			summaries: [{ name: 'customer/a', version: 1, rows: { customers: [{ customerId: 'a' }] } }]
		});
	});

	it('turns down badly shaped server controls', () => {
		const bad: unknown[] = [
			null,
			{ type: 'documents' },
			{ type: 'documents', documents: 'all' },
			{ type: 'opened' },
			{ type: 'closed', doc: 'org/contoso', code: '4400', reason: 'x' },
			{ type: 'closed', doc: 'org/contoso', code: 4400 },
			{ type: 'open', doc: 'org/contoso', ack: true }
		];
		for (const control of bad) expect(readServerControl(control)).toBeNull();
	});
});
