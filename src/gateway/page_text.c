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
    {"Your sign-in has expired. Sign in again.",
     "Ihre Anmeldung ist abgelaufen. Melden Sie sich erneut an."},
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
