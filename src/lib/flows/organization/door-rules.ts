// The rules an org document's door checks for a member's event, one per workflow that writes in it
// (each next to the machine whose guards decide the same in log order).
import { enrollmentDoorRule } from '$lib/flows/enrollment/enrollment.machine';
import { userDoorRule } from '$lib/flows/users/user-onboarding.machine';
import type { OrgDoorRule } from './organization.machine';

export const ORG_DOOR_RULES: readonly OrgDoorRule[] = [enrollmentDoorRule, userDoorRule];
