import type { AppConfig } from '../config/config';
import type { AuthUser } from './auth.decorators';

/** Whether the caller runs this Chorus: an account `OPERATOR_IDS` names, by its own token (a guest's never is). */
export const isOperator = (config: Pick<AppConfig, 'operatorIds'>, user: AuthUser | undefined): boolean =>
  user?.kind === 'registered' && config.operatorIds.includes(user.id);
