"""A test identity provider for Lab in the browser tests: each person has a token of their own.

``--ServerApp.identity_provider_class=tests.browser.users.TokenUsers``: opening
``/lab?token=bob-token`` logs the browser in as bob (jupyter_server keeps him in its login
cookie). Lab then sends the server's own token with every request, which jupyter_server
resolves to the person in the cookie, so each browser context stays the person it logged in as.
Requests with the server's token and no cookie (the health check) are an anonymous user.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.identity import IdentityProvider, User

USERS = {"bob-token": "bob", "carol-token": "carol"}
"""Tokens of the people, and who they are."""


class TokenUsers(IdentityProvider):  # type: ignore[misc]
    """Tokens of :data:`USERS` name their person; the server's own token works as usual."""

    async def get_user_token(self, handler: Any) -> User | None:
        """The person of a personal token, else jupyter_server's own token check."""
        name = USERS.get(self.get_token(handler) or "")
        if name is not None:
            return User(username=name, name=name, display_name=name.title())
        user: User | None = await super().get_user_token(handler)
        return user
