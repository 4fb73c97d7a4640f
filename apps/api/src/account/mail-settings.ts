import type { MailSetting } from '@chorus/client';

/** The `users` column of each of an account's mail settings (`MAIL_SETTINGS`). */
export const MAIL_SETTING_COLUMNS: Record<MailSetting, string> = {
  discussionMails: 'discussion_mails',
  followedDiscussionMails: 'followed_discussion_mails',
  reportMails: 'report_mails',
  completionMails: 'completion_mails',
  volunteerCompletionMails: 'volunteer_completion_mails',
};
