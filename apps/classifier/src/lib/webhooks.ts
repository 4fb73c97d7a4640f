import type { WebhookDisabledReason } from '@chorus/client';
import type { TFunction } from 'i18next';

/** Why a webhook is off, in the reader's language: too many deliveries given up on in a row (the last one's error), or by hand. */
export function webhookOffReason(t: TFunction, reason: WebhookDisabledReason, error: string | null): string {
  return reason === 'failures' ? t('lab.webhooks.offReason.failures', { error }) : t('lab.webhooks.offReason.byHand');
}
