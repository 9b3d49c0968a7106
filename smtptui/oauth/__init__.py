"""OAuth 2.0 sign-in for XOAUTH2/OAUTHBEARER: accounts, flows, token store, the token source.

Nothing here is imported unless a profile or command uses OAuth; only
:mod:`smtptui.oauth.client` and :mod:`smtptui.oauth.flows` import the optional ``authlib``
and ``httpx2`` packages (``pip install 'smtptui[oauth]'``).
"""
