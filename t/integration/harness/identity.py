"""What the tests of external identities (SAML, social login) read from the database
and prepare with authsvc-admin: a user's profile, their links to providers, their
login-activity rows.

    profile(db, user_id)             (username, email, first name, last name, groups)
    links(db, user_id)               [(provider, subject), ...] (no password, no TOTP)
    activity(db, user_id, type)      [payload JSON, ...] of that login type
    link(db, username, provider, subject)   authsvc-admin user link
"""
import json


def _one(db, sql):
    rows = db.query(sql)
    assert len(rows) == 1, (sql, rows)
    return rows[0]


def profile(db, user_id):
    row = _one(db, "SELECT id, username, email, first_name, last_name, external_groups "
                   "FROM users WHERE id = '%s'" % user_id)
    return tuple(row[1:])


def links(db, user_id):
    return sorted(tuple(r) for r in db.query(
        "SELECT provider, external_id FROM user_credentials WHERE user_id = '%s' "
        "AND provider NOT IN ('internal', 'totp')" % user_id))


def activity(db, user_id, login_type):
    """The payloads of the user's rows of login_type (LINK, LINK_REFUSED, ...), oldest
    first; the id column keeps rows with no payload."""
    rows = db.query("SELECT id, token_payload FROM login_activity WHERE actor = '%s' "
                    "AND login_type = '%s' ORDER BY login_time, id" % (user_id, login_type))
    return [json.loads(r[1]) if len(r) > 1 and r[1] else None for r in rows]


def link(db, username, provider, subject):
    return db.admin().run("user", "link", "--username", username, "--provider", provider,
                          "--subject", subject).check()
