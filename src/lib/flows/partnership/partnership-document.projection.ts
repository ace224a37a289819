// Projection of a `partnership/<providerId>/<resellerId>` document: the provider authorization.
import type { DomainEvent } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import type { PartnershipStatus, Stamp } from '$lib/domain/model';
import type { PartnershipDocumentState } from '$lib/flows/documents/document-state';
import { createStepper } from '$lib/flows/documents/machine-stepper';
import {
	providerAuthorizationMachine,
	providerAuthorizationRefusals,
	type ProviderAuthorizationFact
} from './provider-authorization.machine';

export const providerAuthorizationStepper = createStepper(
	providerAuthorizationMachine,
	providerAuthorizationRefusals
);

export function createPartnershipState(
	providerId: string,
	resellerId: string
): PartnershipDocumentState {
	return {
		kind: 'partnership',
		length: 0,
		superseded: [],
		invalid: [],
		claimed: new Set(),
		partnership: {
			providerId,
			resellerId,
			status: 'none',
			invitationId: null,
			expiresAt: null,
			adminAccess: false,
			invited: null,
			authorized: null,
			closed: null
		}
	};
}

export function applyPartnershipEvent(
	state: PartnershipDocumentState,
	event: DomainEvent,
	stamp: Stamp
): ErrorCode | null {
	if (!event.type.startsWith('partnership.')) return 'error_wrong_document';
	const partnership = state.partnership;
	const result = providerAuthorizationStepper.step(
		providerAuthorizationStepper.snapshotFor(partnership.status),
		{ type: event.type, event, world: { doc: state } } as ProviderAuthorizationFact
	);
	if (!result.applied) return result.code;
	partnership.status = result.status as PartnershipStatus;
	switch (event.type) {
		case 'partnership.invited':
			partnership.invitationId = event.payload.invitationId;
			partnership.expiresAt = event.payload.expiresAt;
			partnership.providerName = event.payload.providerName ?? partnership.providerName ?? null;
			partnership.resellerName = event.payload.resellerName ?? partnership.resellerName ?? null;
			partnership.invited = stamp;
			partnership.authorized = null;
			partnership.closed = null;
			partnership.adminAccess = false;
			break;
		case 'partnership.authorized':
			if (result.status === 'authorized') {
				partnership.authorized = stamp;
				partnership.adminAccess = true;
			} else {
				partnership.closed = stamp;
			}
			break;
		case 'partnership.adminAccessRemoved':
			partnership.adminAccess = false;
			break;
		default:
			partnership.adminAccess = false;
			partnership.closed = stamp;
	}
	return result.code;
}
