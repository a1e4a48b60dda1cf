/* Numbered log tags: every log line of the module starts with its own number, never reused.
 * Next free number: see the highest AUTHSVC_LOGNO in the tree (grep -rn AUTHSVC_LOGNO). */
#ifndef AUTHSVC_LOG_H
#define AUTHSVC_LOG_H

#define AUTHSVC_LOGNO(n) "authsvc" #n ": "

#endif
