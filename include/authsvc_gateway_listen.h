/* Revocations pushed to the gateway: with PostgreSQL, every revocation stored by any
 * node is announced on the channel AUTHSVC_REVOCATION_CHANNEL (NOTIFY, sent when its
 * transaction commits), and a thread in each httpd child listens on a connection of
 * its own and adds what it hears to the node's revocation set at once. The poll of the
 * revocations table stays as the fallback: while the listening connection is down it
 * is reconnected with a growing pause (logged once per outage), and whatever was missed
 * arrives by the poll. SQLite installations poll only. */
#ifndef AUTHSVC_GATEWAY_LISTEN_H
#define AUTHSVC_GATEWAY_LISTEN_H

#include <httpd.h>

#define AUTHSVC_REVOCATION_CHANNEL "authsvc_revoked"

/* child_init: starts the listener when the node has a revocation set and a PostgreSQL
 * database; it stops when pchild is cleared. */
void authsvc_gateway_listen_child_init(apr_pool_t *pchild, server_rec *s);

#endif
