"""Integration test harness for mod_authsvc: a real httpd, a private PostgreSQL,
an HTTP client on http.client and a runner for authsvc-admin."""
