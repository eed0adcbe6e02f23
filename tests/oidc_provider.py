"""A small, real OpenID Connect provider for the login tests, built on Authlib's JOSE.

It serves discovery, an authorization page where the tester picks a user (a form, as a
real provider's login page), the token endpoint (client_secret_basic or _post, PKCE S256),
JWKS and userinfo, and signs RS256 ID tokens. Streamlit's ``st.login`` talks to it over
HTTP exactly as it would to Google or Okta; nothing in the app is patched.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

with warnings.catch_warnings():  # Authlib 1.9 points to joserfc; Streamlit still uses this
    warnings.simplefilter("ignore")
    from authlib.jose import JsonWebKey, jwt

CLIENT_ID = "whiteboard-tests"
CLIENT_SECRET = "not-a-real-secret"
USERS = {
    "alice": {"sub": "alice-0001", "email": "alice@example.test", "name": "Alice"},
    "bob": {"sub": "bob-0002", "email": "bob@example.test", "name": "Bob"},
}


class Provider:
    """Start with ``start()``; ``url`` is the issuer, ``stop()`` ends it."""

    def __init__(self) -> None:
        self.key = JsonWebKey.generate_key("RSA", 2048, is_private=True)
        self.key_id = "test-key"
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Provider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def metadata(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "name", "iss", "aud", "nonce"],
        }

    def id_token(self, user: dict, nonce: str | None) -> str:
        now = int(time.time())
        claims = {"iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 600, **user}
        if nonce:
            claims["nonce"] = nonce
        header = {"alg": "RS256", "kid": self.key_id}
        return jwt.encode(header, claims, self.key).decode()

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _send(self, status: int, body: str, kind: str = "application/json", **headers):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _json(self, value: dict, status: int = 200):
                self._send(status, json.dumps(value))

            def do_GET(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    return self._json(provider.metadata())
                if url.path == "/jwks":
                    public = provider.key.as_dict(is_private=False)
                    return self._json({"keys": [{**public, "kid": provider.key_id}]})
                if url.path == "/authorize":
                    if query.get("client_id") != CLIENT_ID:
                        return self._json({"error": "unauthorized_client"}, 400)
                    hidden = "".join(
                        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                        for k, v in query.items()
                    )
                    buttons = "".join(
                        f'<button name="user" value="{name}">Sign in as {name}</button>'
                        for name in USERS
                    )
                    page = f'<html><body><form method="post" action="/authorize">{hidden}{buttons}</form></body></html>'
                    return self._send(200, page, "text/html")
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    user = provider.tokens.get(token)
                    if user is None:
                        return self._json({"error": "invalid_token"}, 401)
                    return self._json(user)
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if url.path == "/authorize":
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {
                        "user": USERS[form["user"]],
                        "nonce": form.get("nonce"),
                        "redirect_uri": form["redirect_uri"],
                        "challenge": form.get("code_challenge"),
                    }
                    target = (
                        form["redirect_uri"]
                        + "?"
                        + urlencode({"code": code, "state": form.get("state", "")})
                    )
                    return self._send(302, "", "text/plain", Location=target)
                if url.path == "/token":
                    client_id, client_secret = form.get("client_id"), form.get("client_secret")
                    auth = self.headers.get("Authorization", "")
                    if auth.startswith("Basic "):
                        decoded = base64.b64decode(auth[6:]).decode()
                        client_id, _, client_secret = decoded.partition(":")
                    if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
                        return self._json({"error": "invalid_client"}, 401)
                    grant = provider.codes.pop(form.get("code", ""), None)
                    if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                        return self._json({"error": "invalid_grant"}, 400)
                    if grant["challenge"]:
                        verifier = form.get("code_verifier", "").encode()
                        digest = hashlib.sha256(verifier).digest()
                        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                        if expected != grant["challenge"]:
                            return self._json({"error": "invalid_grant"}, 400)
                    access = secrets.token_urlsafe(16)
                    provider.tokens[access] = grant["user"]
                    return self._json(
                        {
                            "access_token": access,
                            "token_type": "Bearer",
                            "expires_in": 600,
                            "id_token": provider.id_token(grant["user"], grant["nonce"]),
                            "scope": "openid email profile",
                        }
                    )
                return self._json({"error": "not_found"}, 404)

        return Handler
