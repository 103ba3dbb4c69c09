// The German catalogue (formal "Sie" throughout). Keys and {placeholders} as in en.ts.
import type { Catalogue } from './en.ts';

export const de: Catalogue = {
  layout: {
    productName: 'Konten verknüpfen',
    titleOf: '{title} · {brand}',
    logoAlt: 'Logo von {brand}',
    backToRequest: 'Zurück zur Verknüpfungsanfrage',
    backToAccounts: 'Zu Ihren verbundenen Konten',
  },
  redirect: {
    title: 'Anmeldung',
    link: 'Weiter zur Anmeldung',
  },
  confirm: {
    title: 'Konten verknüpfen?',
    signingIn: 'Sie melden sich mit {login} als {hint} an.',
    other: 'Es gibt bereits ein Konto mit derselben E-Mail-Adresse. Bei diesem Konto melden Sie sich mit {where} an.',
    gives:
      'Wenn Sie die Konten verknüpfen, kann jeder, der sich mit {login} als {hint} anmelden kann, sich danach auch bei Ihrem Konto mit {where} anmelden, und umgekehrt. Verknüpfen Sie sie nur, wenn beide Ihnen gehören.',
    fresh:
      'Zum Verknüpfen melden Sie sich noch einmal bei Ihrem Konto mit {where} an, auch wenn Sie das gerade erst getan haben. Ohne diese Anmeldung wird nichts verknüpft.',
    linkHeading: 'Konten verknüpfen',
    prove: 'Mit {label} anmelden und verknüpfen',
    apartHeading: 'Oder getrennt lassen',
    later: 'Nicht jetzt',
    never: 'Nie wieder fragen',
    notMeHeading: 'Haben Sie diese Anmeldung nicht gestartet?',
    notMe:
      'Wenn Sie sich nicht gerade mit {login} angemeldet haben, versucht vielleicht jemand, in Ihr Konto zu gelangen: Melden Sie sich hier nicht mit {where} an. Sagen Sie es uns, dann wird diese Anmeldung nie wieder zur Verknüpfung mit Ihrem Konto angeboten.',
    notMeButton: 'Das war ich nicht: Ich habe mich nicht mit {login} angemeldet',
    chooseTitle: 'Welche Anmeldung ist Ihre?',
    chooseIntro:
      'In diesem Browser ist bereits eine Anfrage zum Verknüpfen von Konten offen, und eine neue ist eingetroffen. Beantworten Sie nur die Anfrage zu der Anmeldung, die Sie selbst gestartet haben.',
    earlier: 'Frühere Anfrage: ',
    newer: 'Neue Anfrage: ',
    request: 'Anmeldung mit {login} als {hint}',
    chooseWarning:
      'Wenn Sie nicht gerade selbst eine Anmeldung mit {login} gestartet haben, hat Sie vielleicht jemand anderes hierher geschickt: Behalten Sie die frühere Anfrage.',
    keepEarlier: 'Frühere Anfrage behalten: {login}',
    takeNew: 'Zur neuen Anfrage wechseln: {login}',
  },
  continue: {
    title: 'Zurück zur Anwendung',
    button: 'Weiter zur Anwendung',
    link: 'Beide Konten sind als Ihre bestätigt. Sie werden verknüpft, wenn Sie fortfahren.',
    later: 'Wir fragen später noch einmal.',
    neverTitle: 'Wir fragen nicht mehr',
    never:
      'Wir fragen Sie nicht mehr, ob Sie Ihre Anmeldung mit {login} mit Ihrem Konto mit {where} verknüpfen möchten. Ihre Antwort wird gespeichert, wenn Sie fortfahren.',
    neverChangeMind:
      'Wenn Sie es sich später anders überlegen, wenden Sie sich an den Support dieser Website: Dort kann das Verknüpfen dieser Konten wieder erlaubt werden.',
    notMeTitle: 'Es wurde nichts verknüpft',
    notMe: 'Danke. Diese Anmeldung mit {login} wird nie wieder zur Verknüpfung mit Ihrem Konto angeboten: Das wird gespeichert, wenn Sie fortfahren.',
    notMeAfter:
      'Wenn Sie fortfahren, wird diese Anmeldung beendet, ohne Sie anzumelden: Die Anwendung meldet, dass die Anmeldung abgelehnt wurde. Wenn Sie diese Seite stattdessen schließen, wird nichts gespeichert und nichts verknüpft.',
  },
  accounts: {
    title: 'Verbundene Konten',
    signInIntro:
      'Melden Sie sich an, um zu sehen, wie Sie sich bei Ihrem Konto anmelden können, und um ein weiteres Konto zu verknüpfen oder eine Verknüpfung aufzuheben.',
    signInFresh:
      'Sie werden gebeten, sich erneut anzumelden, auch wenn Sie das gerade erst getan haben: Diese Seite ändert, wer auf Ihr Konto zugreifen kann. Ihre Anmeldung hier gilt 10 Minuten.',
    signIn: 'Anmelden',
    waysHeading: 'So melden Sie sich an',
    main: '(Hauptkonto)',
    linkedOn: 'verknüpft am {date}',
    unlink: 'Verknüpfung mit {name} aufheben',
    onlyOne: 'Sie haben nur eine Anmeldemöglichkeit; sie kann nicht entfernt werden.',
    linkHeading: 'Weiteres Konto verknüpfen',
    linkNote: 'Sie melden sich bei dem anderen Konto an; es wird dann Teil dieses Kontos. Seine eigenen gespeicherten Einstellungen werden nicht übernommen.',
    linkAny: 'Mit einem anderen Konto anmelden',
    link: '{label} verknüpfen',
    signOut: 'Von dieser Seite abmelden',
    linked: 'Das Konto wurde verknüpft. Sie können sich jetzt auch damit anmelden.',
    unlinked:
      'Die Verknüpfung wurde aufgehoben: {name} ist wieder ein eigenes Konto, und Sie können sich damit nicht mehr bei diesem Konto anmelden. Es wird nicht automatisch wieder verknüpft; Sie können es hier erneut verknüpfen.',
    unlinkTitle: 'Verknüpfung mit {name} aufheben?',
    unlinkWhat:
      'Danach können Sie sich mit {name} nicht mehr bei diesem Konto anmelden. Es wird wieder ein eigenes Konto und nicht automatisch wieder verknüpft.',
    unlinkUndo: 'Sie können es später auf dieser Seite wieder verknüpfen, indem Sie sich damit anmelden.',
    unlinkKeep: 'Verknüpft lassen',
    signedOutTitle: 'Von dieser Seite abgemeldet',
    signedOut: 'Sie sind von dieser Seite abgemeldet.',
    tenantStill:
      'Dieser Browser ist möglicherweise noch beim Anmeldedienst dieser Website angemeldet, sodass deren Anwendungen Sie ohne Passwort anmelden könnten. Melden Sie sich an einem gemeinsam genutzten oder öffentlichen Computer auch dort ab.',
    tenantSignOut: 'Auch vom Anmeldedienst abmelden',
    signInAgain: 'Erneut bei dieser Seite anmelden',
    everywhereTitle: 'Abgemeldet',
    everywhere: 'Sie sind in diesem Browser von dieser Seite und vom Anmeldedienst dieser Website abgemeldet.',
  },
  connections: {
    email: 'E-Mail-Code',
    database: 'E-Mail und Passwort',
    windowslive: 'Microsoft',
    enterprise: '{name} (Arbeitskonto)',
  },
  errors: {
    title: 'Das hat nicht geklappt',
    internalTitle: 'Etwas ist schiefgelaufen',
    internal: 'Auf unserer Seite ist ein Fehler aufgetreten. Es wurde nichts geändert; versuchen Sie es gleich noch einmal.',
    notFoundTitle: 'Seite nicht gefunden',
    notFound: 'Unter dieser Adresse gibt es keine Seite. Der Link ist vielleicht unvollständig oder veraltet.',
    offerInvalid:
      'Diese Verknüpfungsanfrage kann nicht mehr verwendet werden: Sie ist vielleicht abgelaufen oder wurde schon beantwortet. Kehren Sie zur Anwendung zurück und melden Sie sich erneut an.',
    noRequest: 'Es gibt keine Verknüpfungsanfrage zu beantworten. Kehren Sie zur Anwendung zurück und melden Sie sich erneut an.',
    requestIncomplete: 'Diese Verknüpfungsanfrage ist unvollständig. Kehren Sie zur Anwendung zurück und melden Sie sich erneut an.',
    noOtherRequest: 'Es gibt keine andere Verknüpfungsanfrage zur Auswahl. Kehren Sie zur Anwendung zurück und melden Sie sich erneut an.',
    newRequestExpired: 'Die neue Verknüpfungsanfrage ist abgelaufen. Kehren Sie zur Anwendung zurück und melden Sie sich erneut an.',
    requestEnded: 'Diese Verknüpfungsanfrage ist beendet. Kehren Sie zur Anwendung zurück und melden Sie sich erneut an.',
    chooseRequest: 'Wählen Sie eine der beiden Anfragen.',
    chooseAccount: 'Wählen Sie eines der angezeigten Konten.',
    chooseDecline: 'Wählen Sie „Nicht jetzt“ oder „Nie wieder fragen“.',
    cannotUnlink: 'Die Verknüpfung dieses Kontos können Sie hier nicht aufheben: Ihr Hauptkonto und Ihre letzte Anmeldemöglichkeit bleiben bestehen.',
    sessionEnded: 'Ihre Anmeldung bei dieser Seite ist abgelaufen. Melden Sie sich erneut an.',
    signInUnknown: 'Diese Anmeldung wurde nicht hier gestartet oder wurde schon verwendet. Beginnen Sie von vorn.',
    signInFailed: 'Die Anmeldung wurde nicht abgeschlossen, daher wurde nichts geändert. Sie können es noch einmal versuchen.',
    signInNotFresh: 'Die Anmeldung war keine neue Anmeldung, daher wurde nichts geändert. Sie können es noch einmal versuchen.',
    signInUnreachable: 'Der Anmeldedienst ist gerade nicht erreichbar. Versuchen Sie es gleich noch einmal.',
    notOffered: 'Sie haben sich bei einem anderen Konto angemeldet als dem, das zur Verknüpfung angeboten wurde; daher wurde nichts verknüpft.',
    sameAccount: 'Sie haben sich bei dem Konto angemeldet, das Sie bereits verwenden; es gibt nichts zu verknüpfen.',
    crossSite: 'Dieses Formular wurde von einer anderen Website gesendet und daher abgelehnt. Beginnen Sie auf dieser Seite von vorn.',
    formExpired: 'Dieses Formular ist abgelaufen oder wurde nicht von dieser Seite gesendet und daher abgelehnt. Beginnen Sie von vorn.',
    readAccounts: 'Ihre Konten konnten nicht gelesen werden. Versuchen Sie es gleich noch einmal.',
    recordLink: 'Die Verknüpfung konnte nicht vermerkt werden, daher wurde nichts verknüpft. Versuchen Sie es gleich noch einmal.',
    recordChoice: 'Ihre Entscheidung konnte nicht gespeichert werden, daher wurde keine Verknüpfung aufgehoben. Versuchen Sie es gleich noch einmal.',
    linkAccount: 'Das Konto konnte nicht verknüpft werden. Versuchen Sie es gleich noch einmal.',
    unlinkAccount: 'Die Verknüpfung des Kontos konnte nicht aufgehoben werden. Versuchen Sie es gleich noch einmal.',
  },
};
