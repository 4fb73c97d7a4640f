import type { ApiKeyScope, ProjectRole } from '@chorus/client';
import { type ApiKeyMade, inUtc, openReportsSaid, quoted, type Wording } from './wording';

/** French writes the first day of a month as an ordinal: le 1er juin. */
const utc = inUtc('fr', (day) => (day === '1' ? '1er' : day));

/** Each scope as the classifier's account page lists it, and what a key of it may do (`API_KEY_SCOPES_IN_WORDS`, in French). */
const SCOPES: Record<ApiKeyScope, { listed: string; may: string }> = {
  full: { listed: 'accès complet', may: 'tout ce que le compte peut faire, sauf ce qui demande une session connectée' },
  read: {
    listed: 'lecture seule',
    may: 'seulement les requêtes GET et HEAD (sauf la file d’attente, qui réserve des sujets) et les liens de téléchargement',
  },
  downloads: {
    listed: 'téléchargements seulement',
    may: 'seulement les téléchargements du consensus et des classifications, leurs liens, les projets et leurs flux de travail (pour trouver quoi télécharger), le flux de travail, ses versions et les noms des lots de sujets qu’ils mentionnent, GET /account, et les classifications du compte lui-même et leurs liens',
  },
};

/** The roles as the classifier names them in French (`mail-wording.test.ts` checks they agree). */
const ROLES: Record<ProjectRole, string> = {
  owner: 'propriétaire',
  collaborator: 'collaborateur',
  scientist: 'scientifique',
  moderator: 'modérateur',
  reviewer: 'relecteur',
};

/** A key as a mail names it: its name, the first characters of its secret (never the rest) and what it may do. */
const keyInWords = (key: Omit<ApiKeyMade, 'createdAt' | 'expiresAt'>) =>
  `« ${key.name} »${key.prefix ? ` (son secret commence par ${key.prefix}…)` : ''}, de portée « ${key.scope} » (${SCOPES[key.scope].listed}) : ${SCOPES[key.scope].may}`;

/** Vouvoiement throughout; no-break spaces before the two-part punctuation and inside guillemets, as French sets them. */
export const french: Wording = {
  verification: (to, link) => ({
    subject: 'Vérifiez votre adresse électronique pour Chorus',
    text: `Bonjour ${to.displayName},

Pour confirmer que ${to.email} est bien votre adresse, ouvrez ce lien (valable 7 jours) :

${link}

Une fois l’adresse vérifiée, vous pourrez vous connecter et rejoindre les projets qui vous invitent à cette adresse.
Si vous n’avez pas créé de compte Chorus, ignorez ce message : rien ne se passe sans le lien.`,
  }),

  signUpNotice: (to, signInPage, forgotPasswordPage) => ({
    subject: 'Quelqu’un a tenté de créer un compte Chorus avec votre adresse',
    text: `Bonjour ${to.displayName},

Quelqu’un a tenté de créer un compte Chorus avec ${to.email}, qui en a déjà un : le vôtre. Rien n’a été modifié.

Si c’était vous, connectez-vous plutôt :

${signInPage}

ou, si vous avez oublié votre mot de passe, demandez un lien pour en choisir un nouveau :

${forgotPasswordPage}

Si ce n’était pas vous, ignorez ce message : personne ne peut se connecter à votre compte sans votre mot de passe.`,
  }),

  emailChange: (to, newEmail, link) => ({
    subject: 'Confirmez votre nouvelle adresse électronique pour Chorus',
    text: `Bonjour ${to.displayName},

Pour vous connecter désormais à Chorus avec ${newEmail} au lieu de ${to.email}, ouvrez ce lien (valable 7 jours) :

${link}

Si vous n’avez rien demandé, ignorez ce message : le compte garde son adresse.`,
  }),

  emailChangeNotice: (to, newEmail) => ({
    subject: 'L’adresse de votre compte Chorus pourrait changer',
    text: `Bonjour ${to.displayName},

Quelqu’un de connecté à votre compte Chorus a demandé à remplacer son adresse par ${newEmail}. Le changement n’aura lieu
que lorsque le lien envoyé à cette adresse sera ouvert.

Si ce n’était pas vous, changez votre mot de passe dès maintenant : cela déconnecte tous les appareils.`,
  }),

  emailChangeAttemptNotice: (to, forgotPasswordPage) => ({
    subject: 'Quelqu’un a tenté de rattacher un compte Chorus à votre adresse',
    text: `Bonjour ${to.displayName},

Quelqu’un de connecté à un autre compte Chorus a demandé à remplacer son adresse par ${to.email}, qui a déjà un compte :
le vôtre. Rien n’a été modifié, et aucun lien n’a été créé.

Si vous avez oublié le mot de passe de votre propre compte, demandez un lien pour en choisir un nouveau :

${forgotPasswordPage}

Sinon, ignorez ce message : personne ne peut se connecter à votre compte sans votre mot de passe.`,
  }),

  passwordReset: (to, link) => ({
    subject: 'Choisissez un nouveau mot de passe pour Chorus',
    text: `Bonjour ${to.displayName},

Pour choisir un nouveau mot de passe de votre compte Chorus (${to.email}), ouvrez ce lien dans l’heure :

${link}

Une fois le nouveau mot de passe choisi, tous les appareils sont déconnectés. Si vous n’avez rien demandé, ignorez ce message : votre mot de passe reste le même.`,
  }),

  invitation: ({ email, projectTitle, role, inviterName, link, days }) => ({
    subject: `Invitation à rejoindre « ${projectTitle} » sur Chorus`,
    text: `Bonjour,

${inviterName} vous invite à rejoindre le projet « ${projectTitle} » sur Chorus, en tant que ${ROLES[role]}.

Pour accepter, connectez-vous (ou créez un compte) avec cette adresse, ${email}, vérifiez-la, puis ouvrez :

${link}

L’invitation est valable ${days} jours. Si vous ne souhaitez pas rejoindre le projet, ignorez ce message.`,
  }),

  apiKeyNotice: (to, key, apiKeysPage) => ({
    subject: 'Une nouvelle clé d’API a été créée pour votre compte Chorus',
    text: `Bonjour ${to.displayName},

Quelqu’un de connecté à votre compte Chorus a créé une clé d’API le ${utc(key.createdAt)} :
${keyInWords(key)}.
Un script qui la détient peut utiliser Chorus en votre nom, dans les limites de cette portée, jusqu’au ${utc(key.expiresAt)}, à moins que la clé ne soit révoquée.

Si c’était vous, il n’y a rien à faire. Sinon, révoquez la clé dès maintenant, dans la section « Clés d’API » de votre page de compte :

${apiKeysPage}

(ou avec DELETE /api/v1/account/api-keys/${key.id}), puis changez votre mot de passe : cela déconnecte tous les appareils.`,
  }),

  apiKeyRevokedNotice: (to, key, apiKeysPage) => ({
    subject: 'Une clé d’API de votre compte Chorus a été révoquée',
    text: `Bonjour ${to.displayName},

Quelqu’un de connecté à votre compte Chorus a révoqué sa clé d’API ${keyInWords(key)}, le ${utc(key.revokedAt)}.
Les scripts qui l’utilisent sont désormais refusés, tout comme les liens de téléchargement qu’ils ont demandés. Vos autres clés sont inchangées :

${apiKeysPage}

Si c’était vous, il n’y a rien à faire. Sinon, quelqu’un d’autre peut se connecter à votre compte : changez votre mot de passe
dès maintenant (cela déconnecte tous les appareils), et vérifiez vos clés.`,
  }),

  passwordChanged: (to, how, at, forgotPasswordPage, apiKeysPage) => ({
    subject: 'Le mot de passe de votre compte Chorus a été changé',
    text: `Bonjour ${to.displayName},

Le mot de passe de votre compte Chorus (${to.email}) a été ${how === 'changed' ? 'changé par quelqu’un de connecté à ce compte' : 'redéfini avec un lien de réinitialisation envoyé à votre adresse'} le ${utc(at)}.
Tous les appareils ont été déconnectés, sauf celui qui l’a changé. Les clés d’API ne sont pas révoquées pour autant : elles
fonctionnent jusqu’à leur expiration ou leur révocation, sur votre page de compte :

${apiKeysPage}

Si c’était vous, il n’y a rien à faire. Sinon, demandez immédiatement un lien pour choisir un nouveau mot de passe (il est
envoyé à cette adresse, et tous les appareils sont déconnectés une fois le nouveau mot de passe choisi) :

${forgotPasswordPage}

puis révoquez toute clé d’API que vous n’avez pas créée.`,
  }),

  news: (to, { projectTitle, title, body, newsPage, unsubscribeLink }) => ({
    subject: `« ${projectTitle} » : ${title}`,
    text: `Bonjour ${to.displayName},

Des nouvelles du projet « ${projectTitle} » sur Chorus :

${title}

${body}

Retrouvez-les, avec les autres nouvelles du projet, ici :

${newsPage}

Vous recevez ce message parce que vous avez demandé les nouvelles de ce projet par courriel. Pour ne plus les recevoir,
ouvrez ce lien (un clic, sans vous connecter) :

${unsubscribeLink}`,
  }),
  discussion: (to, { kind, authorName, projectTitle, excerpt, commentLink, settingsPage, unsubscribeLink }) => {
    const did = { reply: 'vous a répondu', mention: 'a cité votre nom', 'team-mention': 'a appelé l’équipe (@team)', discussion: 'a écrit dans une discussion que vous suivez' }[kind];
    return {
      subject: `${authorName} ${did} dans « ${projectTitle} »`,
      text: `Bonjour ${to.displayName},

${authorName} ${did}${kind === 'discussion' ? ', dans le projet' : ' dans une discussion du projet'} « ${projectTitle} » sur Chorus :

${quoted(excerpt)}

Lisez le commentaire entier, et répondez-y, ici :

${commentLink}

${
  kind === 'discussion'
    ? `Vous recevez ce message parce que vous avez demandé à recevoir par courriel chaque nouveau commentaire des
discussions que vous suivez. Pour ne plus les recevoir (les réponses et les mentions de votre nom vous restent
écrites), ouvrez ce lien (un clic, sans vous connecter) :`
    : `Vous recevez ce message parce que vous avez demandé à recevoir par courriel les réponses et les mentions de votre nom
dans les discussions. Pour ne plus les recevoir, ouvrez ce lien (un clic, sans vous connecter) :`
}

${unsubscribeLink}

ou décochez « ${kind === 'discussion' ? 'M’écrire à chaque nouveau commentaire des discussions que je suis' : 'M’écrire quand on me répond ou me mentionne'} » dans les réglages de votre compte :

${settingsPage}`,
    };
  },
  reports: (to, { projectTitle, comments, subjects, reportsPages, settingsPage, unsubscribeLink }) => ({
    subject: `Des signalements attendent les modérateurs de « ${projectTitle} »`,
    text: `Bonjour ${to.displayName},

Un bénévole vient de signaler quelque chose dans le projet « ${projectTitle} » sur Chorus, que vous modérez. Signalements
ouverts à présent : ${openReportsSaid([[comments, ['commentaire', 'commentaires']], [subjects, ['sujet', 'sujets']]], 'et', 'aucun')}.

Lisez-les, et masquez, retirez ou classez ce qu’ils signalent, là où le laboratoire les liste :

${reportsPages.join('\n')}

Vous recevez au plus un tel message par heure pour chaque projet que vous modérez. Pour ne plus les recevoir, ouvrez ce
lien (un clic, sans vous connecter) :

${unsubscribeLink}

ou décochez « M’écrire quand des bénévoles signalent quelque chose dans un projet que je modère » dans les réglages de
votre compte :

${settingsPage}`,
  }),
  completion: (to, { team, workflowName, projectTitle, subjectsDone, link, resultsPublic, settingsPage, unsubscribeLink }) => {
    const done = `${subjectsDone} ${subjectsDone <= 1 ? 'sujet traité' : 'sujets traités'}`;
    const setting = team ? 'M’écrire quand un flux de travail d’un projet que je mène est terminé' : 'M’écrire quand un flux de travail auquel j’ai contribué est terminé';
    const body = team
      ? `Le flux de travail « ${workflowName} » du projet « ${projectTitle} » sur Chorus, que vous menez, est terminé : ${done}.
Ses résultats ne changeront plus, sauf s’il rouvre : téléchargez-les depuis la page du flux de travail dans le laboratoire :

${link}`
      : `Le flux de travail « ${workflowName} » du projet « ${projectTitle} » sur Chorus, auquel vous avez contribué, est
terminé : ${done}. Merci ! Vos réponses font partie de ses résultats. ${resultsPublic ? 'La page du projet, où lire ses résultats publiés :' : 'La page du projet :'}

${link}`;
    return {
      subject: team ? `« ${workflowName} » de « ${projectTitle} » est terminé` : `« ${workflowName} » de « ${projectTitle} » est terminé : merci !`,
      text: `Bonjour ${to.displayName},

${body}

Pour ne plus recevoir ces messages, décochez « ${setting} » dans les réglages de votre compte :

${settingsPage}

ou arrêtez-les aussitôt avec ce lien :

${unsubscribeLink}`,
    };
  },
};
