// A user's roles as the forms show them (one type of agent or none, any types of admin) and back.
import { isAgentRole, type AdminRole, type AgentRole, type Role } from '$lib/domain/permissions';

export interface RoleChoice {
	agent: AgentRole | 'none';
	admins: AdminRole[];
}

export function choiceOf(roles: readonly Role[]): RoleChoice {
	const agent = roles.find(isAgentRole) ?? 'none';
	const admins = roles.filter((role): role is AdminRole => !isAgentRole(role));
	return { agent, admins };
}

export function rolesOf(choice: RoleChoice): Role[] {
	return [...choice.admins, ...(choice.agent === 'none' ? [] : [choice.agent])];
}
