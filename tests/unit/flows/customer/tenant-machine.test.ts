// The customer tenant machine, shared by the app and the server: every state and refusal.
import {
	customerTenantMachine,
	customerTenantRefusals
} from '$lib/flows/customer/customer-tenant.machine';
import { describe, it } from 'vitest';
import { customer, provider, relationship, reseller, subscription } from '../actors';
import { expectFullCoverage, exploreLogMachine } from '../machine-paths';
import { SAMPLE_PAYLOADS } from '../samples';
import { customerWorld, fact, stamp } from '../worlds';

describe('customer tenant machine', () => {
	it('reaches every state and exercises every guard along generated paths', () => {
		const withUser = customerWorld((doc) => {
			doc.relationships['rel-1'] = relationship();
			doc.tenantUsers['tu-1'] = {
				tenantUserId: 'tu-1',
				displayName: 'Ken',
				userName: 'ken@cust.example.com',
				licenses: [],
				added: stamp
			};
			doc.subscriptions['sub-1'] = subscription();
		});
		const full = customerWorld((doc) => {
			doc.tenantUsers['tu-1'] = {
				tenantUserId: 'tu-1',
				displayName: 'Ken',
				userName: 'ken@cust.example.com',
				licenses: [],
				added: stamp
			};
			doc.subscriptions['sub-1'] = subscription({ assigned: ['tu-2'] });
		});
		const assigned = customerWorld((doc) => {
			doc.tenantUsers['tu-1'] = {
				tenantUserId: 'tu-1',
				displayName: 'Ken',
				userName: 'ken@cust.example.com',
				licenses: ['sub-1'],
				added: stamp
			};
			doc.subscriptions['sub-1'] = subscription({ assigned: ['tu-1'] });
		});
		const empty = customerWorld();
		const license = { subscriptionId: 'sub-1', tenantUserId: 'tu-1' };
		const facts = [
			fact('customer.created', SAMPLE_PAYLOADS['customer.created'], empty),
			fact('tenantUser.added', SAMPLE_PAYLOADS['tenantUser.added'], empty, { by: customer }),
			fact('tenantUser.added', SAMPLE_PAYLOADS['tenantUser.added'], withUser, { by: reseller }),
			fact('tenantUser.added', SAMPLE_PAYLOADS['tenantUser.added'], empty, { by: provider }),
			fact('tenantUser.removed', { tenantUserId: 'tu-1' }, withUser, { by: reseller }),
			fact('tenantUser.removed', { tenantUserId: 'tu-1' }, empty, { by: customer }),
			fact('license.assigned', license, withUser, { by: reseller }),
			fact('license.assigned', license, full, { by: customer }),
			fact('license.assigned', license, assigned, { by: customer }),
			fact('license.assigned', license, empty, { by: customer }),
			fact('license.assigned', { ...license, tenantUserId: 'tu-9' }, withUser, { by: customer }),
			fact('license.unassigned', license, assigned, { by: customer }),
			fact('license.unassigned', license, withUser, { by: customer })
		];
		expectFullCoverage(
			customerTenantMachine,
			exploreLogMachine(customerTenantMachine, customerTenantRefusals, facts)
		);
	});
});
