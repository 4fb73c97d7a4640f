import type { ApiKeyScope, ProjectRole } from '@chorus/client';
import { type ApiKeyMade, inUtc, openReportsSaid, quoted, type Wording } from './wording';

const utc = inUtc('de');

/** Each scope as the classifier's account page lists it, and what a key of it may do (`API_KEY_SCOPES_IN_WORDS`, in German). */
const SCOPES: Record<ApiKeyScope, { listed: string; may: string }> = {
  full: { listed: 'voller Zugriff', may: 'alles, was das Konto kann, außer dem, was eine angemeldete Sitzung verlangt' },
  read: {
    listed: 'nur lesen',
    may: 'nur GET- und HEAD-Anfragen (außer der Warteschlange, die Objekte reserviert) und Download-Links',
  },
  downloads: {
    listed: 'nur Downloads',
    may: 'nur die Downloads des Konsenses und der Klassifizierungen, ihre Links, die Projekte und ihre Arbeitsabläufe (um zu finden, was herunterzuladen ist), den Arbeitsablauf, seine Versionen und die Namen der Objektgruppen, die sie nennen, GET /account sowie die eigenen Klassifizierungen des Kontos und ihre Links',
  },
};

/** The roles as the classifier names them in German (`mail-wording.test.ts` checks they agree). */
const ROLES: Record<ProjectRole, string> = {
  owner: 'Projektleitung',
  collaborator: 'Mitarbeit',
  scientist: 'Forschung',
  moderator: 'Moderation',
  reviewer: 'Korrekturlesen',
};

/** A key as a mail names it: its name, the first characters of its secret (never the rest) and what it may do. */
const keyInWords = (key: Omit<ApiKeyMade, 'createdAt' | 'expiresAt'>) =>
  `„${key.name}“${key.prefix ? ` (der Schlüssel beginnt mit ${key.prefix}…)` : ''}, mit dem Geltungsbereich „${key.scope}“ (${SCOPES[key.scope].listed}): ${SCOPES[key.scope].may}`;

/** The polite form (Sie) throughout; German quotation marks „…“. */
export const german: Wording = {
  verification: (to, link) => ({
    subject: 'Bestätigen Sie Ihre E-Mail-Adresse für Chorus',
    text: `Guten Tag ${to.displayName},

um zu bestätigen, dass ${to.email} Ihre Adresse ist, öffnen Sie bitte diesen Link (er ist 7 Tage gültig):

${link}

Sobald die Adresse bestätigt ist, können Sie sich anmelden und den Projekten beitreten, die Sie unter dieser Adresse einladen.
Falls Sie kein Chorus-Konto erstellt haben, ignorieren Sie diese Nachricht: Ohne den Link geschieht nichts.`,
  }),

  signUpNotice: (to, signInPage, forgotPasswordPage) => ({
    subject: 'Jemand wollte mit Ihrer Adresse ein Chorus-Konto erstellen',
    text: `Guten Tag ${to.displayName},

jemand wollte mit ${to.email} ein Chorus-Konto erstellen, doch zu dieser Adresse gibt es bereits eines: Ihres. Es wurde nichts geändert.

Falls Sie es waren, melden Sie sich stattdessen an:

${signInPage}

oder fordern Sie, falls Sie Ihr Passwort vergessen haben, einen Link an, um ein neues festzulegen:

${forgotPasswordPage}

Falls Sie es nicht waren, ignorieren Sie diese Nachricht: Ohne Ihr Passwort kann sich niemand bei Ihrem Konto anmelden.`,
  }),

  emailChange: (to, newEmail, link) => ({
    subject: 'Bestätigen Sie Ihre neue E-Mail-Adresse für Chorus',
    text: `Guten Tag ${to.displayName},

um sich bei Chorus künftig mit ${newEmail} statt mit ${to.email} anzumelden, öffnen Sie bitte diesen Link (er ist 7 Tage gültig):

${link}

Falls Sie nichts angefordert haben, ignorieren Sie diese Nachricht: Das Konto behält seine Adresse.`,
  }),

  emailChangeNotice: (to, newEmail) => ({
    subject: 'Die Adresse Ihres Chorus-Kontos könnte sich ändern',
    text: `Guten Tag ${to.displayName},

jemand, der bei Ihrem Chorus-Konto angemeldet ist, hat beantragt, die Adresse des Kontos durch ${newEmail} zu ersetzen.
Die Änderung erfolgt erst, wenn der an diese Adresse gesendete Link geöffnet wird.

Falls Sie es nicht waren, ändern Sie jetzt Ihr Passwort: Dadurch werden alle Geräte abgemeldet.`,
  }),

  emailChangeAttemptNotice: (to, forgotPasswordPage) => ({
    subject: 'Jemand wollte ein Chorus-Konto auf Ihre Adresse umstellen',
    text: `Guten Tag ${to.displayName},

jemand, der bei einem anderen Chorus-Konto angemeldet ist, hat beantragt, dessen Adresse durch ${to.email} zu ersetzen, zu der es
bereits ein Konto gibt: Ihres. Es wurde nichts geändert und kein Link erstellt.

Falls Sie das Passwort Ihres eigenen Kontos vergessen haben, fordern Sie einen Link an, um ein neues festzulegen:

${forgotPasswordPage}

Andernfalls ignorieren Sie diese Nachricht: Ohne Ihr Passwort kann sich niemand bei Ihrem Konto anmelden.`,
  }),

  passwordReset: (to, link) => ({
    subject: 'Legen Sie ein neues Passwort für Chorus fest',
    text: `Guten Tag ${to.displayName},

um ein neues Passwort für Ihr Chorus-Konto (${to.email}) festzulegen, öffnen Sie bitte innerhalb einer Stunde diesen Link:

${link}

Sobald das neue Passwort festgelegt ist, werden alle Geräte abgemeldet. Falls Sie nichts angefordert haben, ignorieren Sie diese Nachricht: Ihr Passwort bleibt unverändert.`,
  }),

  invitation: ({ email, projectTitle, role, inviterName, link, days }) => ({
    subject: `Einladung zum Projekt „${projectTitle}“ auf Chorus`,
    text: `Guten Tag,

${inviterName} lädt Sie ein, beim Projekt „${projectTitle}“ auf Chorus mitzuwirken, in der Rolle „${ROLES[role]}“.

Um die Einladung anzunehmen, melden Sie sich mit dieser Adresse, ${email}, an (oder erstellen Sie ein Konto), bestätigen Sie sie und öffnen Sie dann:

${link}

Die Einladung ist ${days} Tage gültig. Falls Sie dem Projekt nicht beitreten möchten, ignorieren Sie diese Nachricht.`,
  }),

  apiKeyNotice: (to, key, apiKeysPage) => ({
    subject: 'Für Ihr Chorus-Konto wurde ein neuer API-Schlüssel erstellt',
    text: `Guten Tag ${to.displayName},

jemand, der bei Ihrem Chorus-Konto angemeldet ist, hat am ${utc(key.createdAt)} einen API-Schlüssel erstellt:
${keyInWords(key)}.
Ein Skript, das ihn besitzt, kann Chorus in Ihrem Namen im Rahmen dieses Geltungsbereichs nutzen, bis zum ${utc(key.expiresAt)}, sofern der Schlüssel nicht widerrufen wird.

Falls Sie es waren, ist nichts zu tun. Andernfalls widerrufen Sie den Schlüssel sofort, im Abschnitt „API-Schlüssel“ Ihrer Kontoseite:

${apiKeysPage}

(oder mit DELETE /api/v1/account/api-keys/${key.id}) und ändern Sie dann Ihr Passwort: Dadurch werden alle Geräte abgemeldet.`,
  }),

  apiKeyRevokedNotice: (to, key, apiKeysPage) => ({
    subject: 'Ein API-Schlüssel Ihres Chorus-Kontos wurde widerrufen',
    text: `Guten Tag ${to.displayName},

jemand, der bei Ihrem Chorus-Konto angemeldet ist, hat am ${utc(key.revokedAt)} einen seiner API-Schlüssel widerrufen:
${keyInWords(key)}.
Skripte, die ihn verwenden, werden ab jetzt abgewiesen, ebenso die Download-Links, die sie angefordert haben. Ihre anderen Schlüssel bleiben unverändert:

${apiKeysPage}

Falls Sie es waren, ist nichts zu tun. Andernfalls kann sich jemand anderes bei Ihrem Konto anmelden: Ändern Sie sofort Ihr
Passwort (dadurch werden alle Geräte abgemeldet) und prüfen Sie Ihre Schlüssel.`,
  }),

  passwordChanged: (to, how, at, forgotPasswordPage, apiKeysPage) => ({
    subject: 'Das Passwort Ihres Chorus-Kontos wurde geändert',
    text: `Guten Tag ${to.displayName},

das Passwort Ihres Chorus-Kontos (${to.email}) wurde am ${utc(at)} ${how === 'changed' ? 'von jemandem geändert, der bei diesem Konto angemeldet ist' : 'mit einem an Ihre Adresse gesendeten Link zum Zurücksetzen neu festgelegt'}.
Alle Geräte wurden abgemeldet, außer dem, auf dem es geändert wurde. API-Schlüssel werden dadurch nicht widerrufen, sie funktionieren
weiter, bis sie ablaufen oder auf Ihrer Kontoseite widerrufen werden:

${apiKeysPage}

Falls Sie es waren, ist nichts zu tun. Andernfalls fordern Sie sofort einen Link an, um ein neues Passwort festzulegen (er wird
an diese Adresse gesendet, und sobald das neue Passwort festgelegt ist, werden alle Geräte abgemeldet):

${forgotPasswordPage}

und widerrufen Sie anschließend jeden API-Schlüssel, den Sie nicht erstellt haben.`,
  }),

  news: (to, { projectTitle, title, body, newsPage, unsubscribeLink }) => ({
    subject: `„${projectTitle}“: ${title}`,
    text: `Guten Tag ${to.displayName},

Neuigkeiten vom Projekt „${projectTitle}“ auf Chorus:

${title}

${body}

Diese und die weiteren Neuigkeiten des Projekts lesen Sie hier:

${newsPage}

Sie erhalten diese Nachricht, weil Sie die Neuigkeiten dieses Projekts per E-Mail bestellt haben. Um sie abzubestellen,
öffnen Sie diesen Link (ein Klick, ohne Anmeldung):

${unsubscribeLink}`,
  }),
  discussion: (to, { kind, authorName, projectTitle, excerpt, commentLink, settingsPage, unsubscribeLink }) => {
    const [whom, did] = { reply: ['Ihnen ', 'geantwortet'], mention: ['Sie ', 'erwähnt'], 'team-mention': ['', 'das Team gerufen (@team)'], discussion: ['', 'in einer Diskussion geschrieben, der Sie folgen'] }[kind];
    const told =
      kind === 'discussion'
        ? `${authorName} hat in einer Diskussion, der Sie folgen, im Projekt „${projectTitle}“ auf Chorus geschrieben:`
        : `${authorName} hat ${whom}in einer Diskussion des Projekts „${projectTitle}“ auf Chorus ${did}:`;
    return {
      subject: `„${projectTitle}“: ${authorName} hat ${whom}${did}`,
      text: `Guten Tag ${to.displayName},

${told}

${quoted(excerpt)}

Den ganzen Kommentar lesen und beantworten Sie hier:

${commentLink}

${
  kind === 'discussion'
    ? `Sie erhalten diese Nachricht, weil Sie per E-Mail von jedem neuen Kommentar in Diskussionen, denen Sie folgen,
erfahren möchten. Um sie abzubestellen (E-Mails zu Antworten und Erwähnungen bleiben), öffnen Sie diesen Link
(ein Klick, ohne Anmeldung):`
    : `Sie erhalten diese Nachricht, weil Sie per E-Mail von Antworten und Erwähnungen in Diskussionen erfahren möchten. Um
sie abzubestellen, öffnen Sie diesen Link (ein Klick, ohne Anmeldung):`
}

${unsubscribeLink}

oder entfernen Sie in den Einstellungen Ihres Kontos das Häkchen bei
„${kind === 'discussion' ? 'Mir bei jedem neuen Kommentar in Diskussionen schreiben, denen ich folge' : 'Mir schreiben, wenn mir jemand antwortet oder mich erwähnt'}“:

${settingsPage}`,
    };
  },
  reports: (to, { projectTitle, comments, subjects, reportsPages, settingsPage, unsubscribeLink }) => ({
    subject: `Meldungen warten auf die Moderation von „${projectTitle}“`,
    text: `Guten Tag ${to.displayName},

Jemand hat soeben etwas im Projekt „${projectTitle}“ auf Chorus gemeldet, das Sie moderieren. Offene Meldungen jetzt:
${openReportsSaid([[comments, ['Kommentar', 'Kommentare']], [subjects, ['Objekt', 'Objekte']]], 'und', 'keine')}.

Lesen Sie sie und blenden Sie das Gemeldete aus, ziehen Sie es zurück oder verwerfen Sie die Meldungen, dort, wo das Labor
sie auflistet:

${reportsPages.join('\n')}

Sie erhalten höchstens eine solche Nachricht pro Stunde und Projekt, das Sie moderieren. Um sie abzubestellen, öffnen Sie
diesen Link (ein Klick, ohne Anmeldung):

${unsubscribeLink}

oder entfernen Sie das Häkchen bei „Mir schreiben, wenn Freiwillige in einem Projekt, das ich moderiere, etwas melden“ in
den Einstellungen Ihres Kontos:

${settingsPage}`,
  }),
  completion: (to, { team, workflowName, projectTitle, subjectsDone, link, resultsPublic, settingsPage, unsubscribeLink }) => {
    const done = `${subjectsDone} ${subjectsDone === 1 ? 'Objekt' : 'Objekte'} erledigt`;
    const setting = team ? 'Mir schreiben, wenn ein Arbeitsablauf eines Projekts, das ich leite, abgeschlossen ist' : 'Mir schreiben, wenn ein Arbeitsablauf, in dem ich klassifiziert habe, abgeschlossen ist';
    const body = team
      ? `Der Arbeitsablauf „${workflowName}“ des Projekts „${projectTitle}“ auf Chorus, das Sie leiten, ist abgeschlossen: ${done}.
Seine Ergebnisse ändern sich nicht mehr, solange er nicht wieder öffnet: Laden Sie sie auf der Seite des Arbeitsablaufs im
Labor herunter:

${link}`
      : `Der Arbeitsablauf „${workflowName}“ des Projekts „${projectTitle}“ auf Chorus, in dem Sie klassifiziert haben, ist
abgeschlossen: ${done}. Vielen Dank! Ihre Antworten sind Teil seiner Ergebnisse. ${resultsPublic ? 'Die Seite des Projekts, auf der Sie seine veröffentlichten Ergebnisse lesen können:' : 'Die Seite des Projekts:'}

${link}`;
    return {
      subject: team ? `„${workflowName}“ von „${projectTitle}“ ist abgeschlossen` : `„${workflowName}“ von „${projectTitle}“ ist abgeschlossen: vielen Dank`,
      text: `Guten Tag ${to.displayName},

${body}

Um diese Nachrichten abzubestellen, entfernen Sie das Häkchen bei „${setting}“ in den Einstellungen Ihres Kontos:

${settingsPage}

oder bestellen Sie sie sofort mit diesem Link ab:

${unsubscribeLink}`,
    };
  },
};
