import { API_KEY_SCOPES_IN_WORDS } from '@chorus/client';
import { type ApiKeyMade, inUtc, openReportsSaid, quoted, type Wording } from './wording';

const utc = inUtc('en');

/** A key as a mail names it: its name, the first characters of its secret (never the rest) and what it may do. */
const keyInWords = (key: Omit<ApiKeyMade, 'createdAt' | 'expiresAt'>) =>
  `"${key.name}"${key.prefix ? ` (its secret starts ${key.prefix}…)` : ''}, of scope ${key.scope}: ${API_KEY_SCOPES_IN_WORDS[key.scope]}`;

export const english: Wording = {
  verification: (to, link) => ({
    subject: 'Verify your email for Chorus',
    text: `Hello ${to.displayName},

To confirm that ${to.email} is your email, open this link (it works for 7 days):

${link}

Once it is verified, you can sign in, and join the projects that invite you at this address.
If you did not create a Chorus account, ignore this mail: nothing happens without the link.`,
  }),

  signUpNotice: (to, signInPage, forgotPasswordPage) => ({
    subject: 'Someone tried to sign up for Chorus with your email',
    text: `Hello ${to.displayName},

Someone tried to create a Chorus account with ${to.email}, which already has one: yours. Nothing was changed.

If it was you, sign in instead:

${signInPage}

or, if you have forgotten your password, ask for a link to set a new one:

${forgotPasswordPage}

If it was not you, ignore this mail: nobody can sign in to your account without your password.`,
  }),

  emailChange: (to, newEmail, link) => ({
    subject: 'Confirm your new email for Chorus',
    text: `Hello ${to.displayName},

To sign in to Chorus with ${newEmail} from now on, instead of ${to.email}, open this link (it works for 7 days):

${link}

If you did not ask for this, ignore this mail: the account keeps its email.`,
  }),

  emailChangeNotice: (to, newEmail) => ({
    subject: 'Your Chorus account may change its email',
    text: `Hello ${to.displayName},

Someone signed in to your Chorus account asked to change its email to ${newEmail}. The change happens only when the
link mailed to that address is opened.

If this was not you, change your password now: it signs out every device.`,
  }),

  emailChangeAttemptNotice: (to, forgotPasswordPage) => ({
    subject: 'Someone tried to move a Chorus account to your email',
    text: `Hello ${to.displayName},

Someone signed in to another Chorus account asked to change its email to ${to.email}, which already has an account:
yours. Nothing was changed, and no link was made.

If you have forgotten your own account's password, ask for a link to set a new one:

${forgotPasswordPage}

Otherwise, ignore this mail: nobody can sign in to your account without your password.`,
  }),

  passwordReset: (to, link) => ({
    subject: 'Set a new password for Chorus',
    text: `Hello ${to.displayName},

To set a new password for your Chorus account (${to.email}), open this link within an hour:

${link}

Setting it signs out every device. If you did not ask for this, ignore this mail: your password stays as it is.`,
  }),

  invitation: ({ email, projectTitle, role, inviterName, link, days }) => ({
    subject: `You are invited to join "${projectTitle}" on Chorus`,
    text: `Hello,

${inviterName} invited you to join the project "${projectTitle}" on Chorus, as ${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}.

To accept, sign in (or create an account) with this email, ${email}, verify it, and open:

${link}

The invitation lasts ${days} days. If you do not want to join, ignore this mail.`,
  }),

  apiKeyNotice: (to, key, apiKeysPage) => ({
    subject: 'A new API key was made for your Chorus account',
    text: `Hello ${to.displayName},

Someone signed in to your Chorus account made an API key on ${utc(key.createdAt)}:
${keyInWords(key)}.
A script holding it can call Chorus as you, within that scope, until ${utc(key.expiresAt)}, unless the key is revoked.

If this was you, there is nothing to do. If it was not, revoke the key now, in the API keys section of your account page:

${apiKeysPage}

(or with DELETE /api/v1/account/api-keys/${key.id}), then change your password: it signs out every device.`,
  }),

  apiKeyRevokedNotice: (to, key, apiKeysPage) => ({
    subject: 'An API key of your Chorus account was revoked',
    text: `Hello ${to.displayName},

Someone signed in to your Chorus account revoked its API key ${keyInWords(key)}, on ${utc(key.revokedAt)}.
Scripts using it are refused from now on, and so are the download links they asked for. Your other keys are as they were:

${apiKeysPage}

If this was you, there is nothing to do. If it was not, someone else can sign in to your account: change your password
now (it signs out every device), and look at your keys.`,
  }),

  passwordChanged: (to, how, at, forgotPasswordPage, apiKeysPage) => ({
    subject: 'The password of your Chorus account was changed',
    text: `Hello ${to.displayName},

The password of your Chorus account (${to.email}) was ${how === 'changed' ? 'changed by someone signed in to it' : 'set again with a password-reset link mailed to you'} on ${utc(at)}.
Every device was signed out, but for the one that set it. API keys are not revoked by it: they still work until they
expire or are revoked, on your account page:

${apiKeysPage}

If this was you, there is nothing to do. If this wasn't you, ask for a link to set a new password at once (it is mailed
to this address, and setting the password signs out every device):

${forgotPasswordPage}

then revoke any API key you did not make.`,
  }),

  news: (to, { projectTitle, title, body, newsPage, unsubscribeLink }) => ({
    subject: `${projectTitle}: ${title}`,
    text: `Hello ${to.displayName},

News from the project "${projectTitle}" on Chorus:

${title}

${body}

Read it, and the project's other news, here:

${newsPage}

You get this mail because you asked for this project's news by email. To stop getting it, open this link (one click,
no need to sign in):

${unsubscribeLink}`,
  }),
  discussion: (to, { kind, authorName, projectTitle, excerpt, commentLink, settingsPage, unsubscribeLink }) => {
    const did = { reply: 'replied to you', mention: 'mentioned you', 'team-mention': 'called the team (@team)', discussion: 'wrote in a discussion you follow' }[kind];
    const where = kind === 'discussion' ? `, in the project "${projectTitle}" on Chorus` : ` in a discussion of the project "${projectTitle}" on Chorus`;
    return {
      subject: `${authorName} ${did} in "${projectTitle}"`,
      text: `Hello ${to.displayName},

${authorName} ${did}${where}:

${quoted(excerpt)}

Read the whole comment, and answer it, here:

${commentLink}

${
  kind === 'discussion'
    ? `You get this mail because you asked to be mailed of each new comment in the discussions you follow. To stop them
(mails of replies to you and mentions of you go on), open this link (one click, no need to sign in):`
    : `You get this mail because you asked to be mailed when someone replies to or mentions you in a discussion. To stop
them, open this link (one click, no need to sign in):`
}

${unsubscribeLink}

or untick "${kind === 'discussion' ? 'Mail me of each new comment in the discussions I follow' : 'Mail me when someone replies to or mentions me'}" in your account's settings:

${settingsPage}`,
    };
  },
  reports: (to, { projectTitle, comments, subjects, reportsPages, settingsPage, unsubscribeLink }) => ({
    subject: `Reports wait for the moderators of "${projectTitle}"`,
    text: `Hello ${to.displayName},

A volunteer has just reported something in the project "${projectTitle}" on Chorus, which you moderate. Open reports now:
${openReportsSaid([[comments, ['comment', 'comments']], [subjects, ['subject', 'subjects']]], 'and', 'none')}.

Read them, and hide, retire or dismiss what they report, where the lab lists them:

${reportsPages.join('\n')}

You get at most one such mail an hour for each project you moderate. To stop them, open this link (one click, no need
to sign in):

${unsubscribeLink}

or untick "Mail me when volunteers report something in a project I moderate" in your account's settings:

${settingsPage}`,
  }),
  completion: (to, { team, workflowName, projectTitle, subjectsDone, link, resultsPublic, settingsPage, unsubscribeLink }) => {
    const done = `${subjectsDone} ${subjectsDone === 1 ? 'subject' : 'subjects'}`;
    const setting = team ? 'Mail me when a workflow of a project I research is complete' : 'Mail me when a workflow I classified in is complete';
    const body = team
      ? `The workflow "${workflowName}" of the project "${projectTitle}" on Chorus, which you research, is complete: ${done} done.
Its results will not change unless it opens again: download them from the workflow's page in the lab:

${link}`
      : `The workflow "${workflowName}" of the project "${projectTitle}" on Chorus, in which you classified, is complete: ${done}
done. Thank you: your answers are part of its results. ${resultsPublic ? "The project's page, where you can read its published results:" : "The project's page:"}

${link}`;
    return {
      subject: team ? `"${workflowName}" of "${projectTitle}" is complete` : `"${workflowName}" of "${projectTitle}" is complete: thank you`,
      text: `Hello ${to.displayName},

${body}

To stop these mails, untick "${setting}" in your account's settings:

${settingsPage}

or stop them at once with this link:

${unsubscribeLink}`,
    };
  },
};
