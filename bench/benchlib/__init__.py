"""The benchmark's parts: httpd configurations (ours and the mod_auth_openidc peer),
provisioning of accounts, tokens and rows, wrk runs and process figures."""
