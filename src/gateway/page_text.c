/* The sign-in pages' texts (see authsvc_page_text.h). */
#include <stdlib.h>
#include <string.h>

#include <httpd.h>
#include <apr_strings.h>

#include "authsvc_page_text.h"

#define PAGE_LANG_NOTE "authsvc-page-lang"

typedef struct {
    const char *en;
    const char *de;
} page_text_t;

/* clang-format off */
static const page_text_t page_texts[] = {
    {"A new code has been sent to your e-mail address.",
     "Ein neuer Code wurde an Ihre E-Mail-Adresse gesendet."},
    {"Account created", "Konto erstellt"},
    {"An account with this address exists already.",
     "Es gibt bereits ein Konto mit dieser Adresse."},
    {"Ask for a new link", "Einen neuen Link anfordern"},
    {"Back to sign in", "Zur\xc3\xbc" "ck zur Anmeldung"},
    {"Cannot sign in", "Anmeldung nicht m\xc3\xb6glich"},
    {"Check your e-mail", "Pr\xc3\xbc" "fen Sie Ihre E-Mails"},
    {"Choose a new password", "Neues Passwort w\xc3\xa4hlen"},
    {"Choose a password other than the current one.",
     "W\xc3\xa4hlen Sie ein anderes als das bisherige Passwort."},
    {"Create the account", "Konto erstellen"},
    {"Create your account", "Konto erstellen"},
    {"E-mail address (your username)", "E-Mail-Adresse (Ihr Benutzername)"},
    {"Enter the 6-digit code from your authenticator app.",
     "Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein."},
    {"Enter the 6-digit code we sent to your e-mail address.",
     "Geben Sie den 6-stelligen Code ein, den wir an Ihre E-Mail-Adresse gesendet haben."},
    {"Enter the verification code.", "Geben Sie den Best\xc3\xa4tigungscode ein."},
    {"Enter your new password twice.", "Geben Sie Ihr neues Passwort zweimal ein."},
    {"Enter your password.", "Geben Sie Ihr Passwort ein."},
    {"Enter your username.", "Geben Sie Ihren Benutzernamen ein."},
    {"Enter your username. If the account exists, we send a link to reset its password to "
     "its e-mail address.",
     "Geben Sie Ihren Benutzernamen ein. Wenn das Konto existiert, senden wir einen Link "
     "zum Zur\xc3\xbc" "cksetzen des Passworts an seine E-Mail-Adresse."},
    {"First name", "Vorname"},
    {"Forgot password", "Passwort vergessen"},
    {"Forgot password?", "Passwort vergessen?"},
    {"If an account with this username exists, a link to reset its password has been sent "
     "to its e-mail address.",
     "Wenn ein Konto mit diesem Benutzernamen existiert, wurde ein Link zum Zur\xc3\xbc" "cksetzen "
     "des Passworts an seine E-Mail-Adresse gesendet."},
    {"Invalid username or password.", "Benutzername oder Passwort ist falsch."},
    {"Invitation not valid", "Einladung ung\xc3\xbcltig"},
    {"Last name", "Nachname"},
    {"Link not valid", "Link ung\xc3\xbcltig"},
    {"New password", "Neues Passwort"},
    {"New password again", "Neues Passwort wiederholen"},
    {"No verification code can be sent. Contact your administrator.",
     "Es kann kein Best\xc3\xa4tigungscode gesendet werden. Wenden Sie sich an Ihre "
     "Administration."},
    {"Password", "Passwort"},
    {"Password again", "Passwort wiederholen"},
    {"Password changed", "Passwort ge\xc3\xa4ndert"},
    {"Remember me on this device", "Auf diesem Ger\xc3\xa4t angemeldet bleiben"},
    {"Save the password", "Passwort speichern"},
    {"Send a new code", "Neuen Code senden"},
    {"Send the link", "Link senden"},
    {"Sign in", "Anmelden"},
    {"Sign-up is not offered here.", "Eine Registrierung ist hier nicht m\xc3\xb6glich."},
    {"Signed out", "Abgemeldet"},
    {"Signing in is not possible right now. Try again later.",
     "Die Anmeldung ist gerade nicht m\xc3\xb6glich. Versuchen Sie es sp\xc3\xa4ter noch einmal."},
    {"Start over", "Von vorn beginnen"},
    {"That code is not right. Try again.",
     "Dieser Code ist nicht richtig. Versuchen Sie es noch einmal."},
    {"The address is not the invited one.", "Das ist nicht die eingeladene Adresse."},
    {"The address to return to after signing in is not allowed.",
     "Die Adresse, zu der nach der Anmeldung zur\xc3\xbc" "ckgekehrt werden soll, ist nicht "
     "erlaubt."},
    {"The form was not sent as expected.", "Das Formular wurde nicht wie erwartet gesendet."},
    {"The sign-in form has expired. Open the sign-in page again.",
     "Das Formular ist abgelaufen. \xc3\x96" "ffnen Sie die Anmeldeseite erneut."},
    {"The two passwords differ.", "Die beiden Passw\xc3\xb6rter stimmen nicht \xc3\xbc" "berein."},
    {"This account cannot sign in.", "Dieses Konto kann sich nicht anmelden."},
    {"This account cannot sign in here.", "Dieses Konto kann sich hier nicht anmelden."},
    {"This account signs in elsewhere and has no password here.",
     "Dieses Konto meldet sich anderswo an und hat hier kein Passwort."},
    {"This code has expired or was tried too often. Send a new code.",
     "Dieser Code ist abgelaufen oder wurde zu oft versucht. Fordern Sie einen neuen an."},
    {"This invitation has expired or was used already.",
     "Diese Einladung ist abgelaufen oder wurde bereits verwendet."},
    {"This is not possible right now. Try again later.",
     "Das ist gerade nicht m\xc3\xb6glich. Versuchen Sie es sp\xc3\xa4ter noch einmal."},
    {"This link to reset a password has expired or was used already.",
     "Dieser Link zum Zur\xc3\xbc" "cksetzen des Passworts ist abgelaufen oder wurde bereits "
     "verwendet."},
    {"This password is not allowed.", "Dieses Passwort ist nicht erlaubt."},
    {"Too many attempts. Try again later.",
     "Zu viele Versuche. Versuchen Sie es sp\xc3\xa4ter noch einmal."},
    {"Too many codes were requested. Try again later.",
     "Es wurden zu viele Codes angefordert. Versuchen Sie es sp\xc3\xa4ter noch einmal."},
    {"Too many requests. Try again later.",
     "Zu viele Anfragen. Versuchen Sie es sp\xc3\xa4ter noch einmal."},
    {"Too many wrong codes. Sign in again.",
     "Zu viele falsche Codes. Melden Sie sich erneut an."},
    {"Username", "Benutzername"},
    {"Verification code", "Best\xc3\xa4tigungscode"},
    {"Verify", "Best\xc3\xa4tigen"},
    {"Verify it's you", "Best\xc3\xa4tigen Sie, dass Sie es sind"},
    {"You are signed out.", "Sie sind abgemeldet."},
    {"Your account is ready. Your username is:",
     "Ihr Konto ist bereit. Ihr Benutzername lautet:"},
    {"Your password has been changed.", "Ihr Passwort wurde ge\xc3\xa4ndert."},
    /* admin console */
    {"Access denied",
     "Zugriff verweigert"},
    {"Active",
     "Aktiv"},
    {"Active users",
     "Aktive Benutzer"},
    {"Active users by login type (the table below has the numbers)",
     "Aktive Benutzer nach Anmeldeart (die Tabelle darunter enth\xc3\xa4lt die Zahlen)"},
    {"Active users per period and login type",
     "Aktive Benutzer je Zeitraum und Anmeldeart"},
    {"Accounts with failed logins or a lock",
     "Konten mit Fehlanmeldungen oder Sperre"},
    {"Addresses with failed logins or a lock",
     "Adressen mit Fehlanmeldungen oder Sperre"},
    {"Administration",
     "Verwaltung"},
    {"Back to the list",
     "Zur\xc3\xbc" "ck zur Liste"},
    {"Choose a page of the administration console above.",
     "W\xc3\xa4hlen Sie oben eine Seite der Verwaltung."},
    {"Client",
     "Client"},
    {"Clients",
     "Clients"},
    {"Confidential",
     "Vertraulich"},
    {"Created",
     "Erstellt"},
    {"Day",
     "Tag"},
    {"Disable",
     "Deaktivieren"},
    {"Disabled",
     "Deaktiviert"},
    {"Disabling a user ends every session of the user at once; enabling lets the user sign in again.",
     "Das Deaktivieren beendet sofort jede Sitzung des Benutzers; das Aktivieren erlaubt wieder die Anmeldung."},
    {"Distinct users who signed in, per period and login type.",
     "Verschiedene angemeldete Benutzer je Zeitraum und Anmeldeart."},
    {"Enable",
     "Aktivieren"},
    {"Enter the dates as YYYY-MM-DD.",
     "Geben Sie die Daten als JJJJ-MM-TT ein."},
    {"Failed logins",
     "Fehlanmeldungen"},
    {"Filter",
     "Filtern"},
    {"From",
     "Von"},
    {"ISO week",
     "ISO-Woche"},
    {"Locked only",
     "Nur gesperrte"},
    {"Locked until",
     "Gesperrt bis"},
    {"Lockouts",
     "Sperren"},
    {"Login activity",
     "Anmeldeaktivit\xc3\xa4t"},
    {"Login type",
     "Anmeldeart"},
    {"Matching sign-ins:",
     "Passende Anmeldungen:"},
    {"Month",
     "Monat"},
    {"Next page",
     "N\xc3\xa4" "chste Seite"},
    {"No",
     "Nein"},
    {"No sign-ins in this range.",
     "Keine Anmeldungen in diesem Zeitraum."},
    {"Overview",
     "\xc3\x9c" "bersicht"},
    {"Pages",
     "Seiten"},
    {"Password change needed",
     "Passwort\xc3\xa4nderung n\xc3\xb6tig"},
    {"Period",
     "Zeitraum"},
    {"Previous page",
     "Vorige Seite"},
    {"Public",
     "\xc3\x96" "ffentlich"},
    {"Registered",
     "Registriert"},
    {"Rejected",
     "Abgelehnt"},
    {"Show",
     "Anzeigen"},
    {"Source",
     "Quelle"},
    {"Status",
     "Status"},
    {"The date range is too long.",
     "Der Zeitraum ist zu lang."},
    {"The first date must not be after the last.",
     "Das erste Datum darf nicht nach dem letzten liegen."},
    {"The user is disabled; every session of it has ended.",
     "Der Benutzer ist deaktiviert; jede seiner Sitzungen ist beendet."},
    {"The user is enabled.",
     "Der Benutzer ist aktiviert."},
    {"The user is unlocked.",
     "Der Benutzer ist entsperrt."},
    {"There is no such user.",
     "Diesen Benutzer gibt es nicht."},
    {"Time",
     "Zeit"},
    {"To",
     "Bis"},
    {"Type",
     "Art"},
    {"Unlock",
     "Entsperren"},
    {"Username starts with",
     "Benutzername beginnt mit"},
    {"Users",
     "Benutzer"},
    {"Yes",
     "Ja"},
    {"You do not have the permission to see this page.",
     "Sie haben nicht die Berechtigung f\xc3\xbcr diese Seite."},
    {"Your sign-in has expired. Sign in again.",
     "Ihre Anmeldung ist abgelaufen. Melden Sie sich erneut an."},
    /* the account page (account_page.c, account_view.c, account_sessions.c) */
    {"Your account", "Ihr Konto"},
    {"Profile", "Profil"},
    {"Name", "Name"},
    {"E-mail address", "E-Mail-Adresse"},
    {"Tenant", "Mandant"},
    {"Signed in", "Angemeldet"},
    {"password", "Passwort"},
    {"one-time code", "Einmalcode"},
    {"another service", "ein anderer Dienst"},
    {"Change password", "Passwort \xc3\xa4ndern"},
    {"Current password", "Aktuelles Passwort"},
    {"Authenticator app", "Authenticator-App"},
    {"An authenticator app is set up. Signing in asks for its code.",
     "Eine Authenticator-App ist eingerichtet. Bei der Anmeldung wird ihr Code abgefragt."},
    {"Remove the authenticator app", "Authenticator-App entfernen"},
    {"No authenticator app is set up.", "Es ist keine Authenticator-App eingerichtet."},
    {"Set up an authenticator app", "Authenticator-App einrichten"},
    {"Scan the QR code with your authenticator app, or enter the key by hand, then enter "
     "the 6-digit code the app shows.",
     "Scannen Sie den QR-Code mit Ihrer Authenticator-App oder geben Sie den Schl\xc3\xbc" "ssel "
     "von Hand ein; geben Sie dann den 6-stelligen Code ein, den die App anzeigt."},
    {"QR code of the key for your authenticator app",
     "QR-Code des Schl\xc3\xbc" "ssels f\xc3\xbc" "r Ihre Authenticator-App"},
    {"Key:", "Schl\xc3\xbc" "ssel:"},
    {"Confirm", "Best\xc3\xa4tigen"},
    {"Sessions", "Sitzungen"},
    {"Device", "Ger\xc3\xa4t"},
    {"Address", "Adresse"},
    {"Last used", "Zuletzt verwendet"},
    {"Action", "Aktion"},
    {"This session", "Diese Sitzung"},
    {"End session", "Sitzung beenden"},
    {"End all other sessions", "Alle anderen Sitzungen beenden"},
    {"unknown", "unbekannt"},
    {"Sign out", "Abmelden"},
    {"The password is not right.", "Das Passwort ist nicht richtig."},
    {"An authenticator app is set up already.",
     "Es ist bereits eine Authenticator-App eingerichtet."},
    {"Enter your current password.", "Geben Sie Ihr aktuelles Passwort ein."},
    {"Your password has been changed. Your other sessions have been ended.",
     "Ihr Passwort wurde ge\xc3\xa4ndert. Ihre anderen Sitzungen wurden beendet."},
    {"Start setting up the authenticator app again.",
     "Beginnen Sie die Einrichtung der Authenticator-App erneut."},
    {"Your authenticator app is set up. Signing in asks for its code.",
     "Ihre Authenticator-App ist eingerichtet. Bei der Anmeldung wird ihr Code abgefragt."},
    {"The authenticator app has been removed.", "Die Authenticator-App wurde entfernt."},
    {"There is no such session of yours.", "Eine solche Sitzung von Ihnen gibt es nicht."},
    {"Your other sessions have been ended.", "Ihre anderen Sitzungen wurden beendet."},
    {"The session has ended.", "Die Sitzung wurde beendet."},
    {"The form has expired. Open the page again.",
     "Das Formular ist abgelaufen. \xc3\x96" "ffnen Sie die Seite erneut."},
    /* sign-in buttons (login_social.c) */
    {"Sign in with Amazon Cognito", "Mit Amazon Cognito anmelden"},
    {"Sign in with Apple", "Mit Apple anmelden"},
    {"Sign in with Facebook", "Mit Facebook anmelden"},
    {"Sign in with Google", "Mit Google anmelden"},
    {"Sign in with Instagram", "Mit Instagram anmelden"},
    {"Sign in with Keycloak", "Mit Keycloak anmelden"},
    {"Sign in with Microsoft", "Mit Microsoft anmelden"},
    {"Sign in with single sign-on", "Mit Single Sign-on anmelden"},
    {"This sign-in has expired or was started elsewhere. Sign in again.",
     "Diese Anmeldung ist abgelaufen oder wurde anderswo begonnen. Melden Sie sich erneut "
     "an."},
};
/* clang-format on */

/* The q value of one Accept-Language entry (";q=0.5"), 1 without one. */
static double page_q(const char *params)
{
    const char *q = params ? strstr(params, "q=") : NULL;

    return q ? strtod(q + 2, NULL) : 1.0;
}

/* "de" when German is acceptable with a higher q than English, else "en". */
static const char *page_lang_pick(apr_pool_t *p, const char *accept)
{
    char *list = apr_pstrdup(p, accept), *state = NULL, *item;
    double en = -1, de = -1;

    for (item = apr_strtok(list, ",", &state); item; item = apr_strtok(NULL, ",", &state)) {
        char *params = strchr(item, ';');
        double q;

        if (params)
            *params++ = '\0';
        apr_collapse_spaces(item, item); /* in place (it returns the end) */
        q = page_q(params);
        if (strncasecmp(item, "de", 2) == 0 && (!item[2] || item[2] == '-') && q > de)
            de = q;
        else if (strncasecmp(item, "en", 2) == 0 && (!item[2] || item[2] == '-') && q > en)
            en = q;
    }
    return de > 0 && de > en ? "de" : "en";
}

const char *authsvc_page_lang(request_rec *r)
{
    const char *lang = apr_table_get(r->notes, PAGE_LANG_NOTE);
    const char *accept = apr_table_get(r->headers_in, "Accept-Language");

    if (!lang) {
        lang = accept && strlen(accept) < 1024 ? page_lang_pick(r->pool, accept) : "en";
        apr_table_setn(r->notes, PAGE_LANG_NOTE, lang);
    }
    return lang;
}

const char *authsvc_page_tr(request_rec *r, const char *en)
{
    size_t i;

    if (!en || strcmp(authsvc_page_lang(r), "de") != 0)
        return en;
    for (i = 0; i < sizeof(page_texts) / sizeof(page_texts[0]); i++)
        if (strcmp(page_texts[i].en, en) == 0)
            return page_texts[i].de;
    return en;
}
