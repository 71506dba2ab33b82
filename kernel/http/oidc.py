"""Single sign-on (单点登录): OIDC bearer tokens from one configured issuer, beside our own tokens.

PyJWT's `PyJWKClient` rather than authlib: PyJWT already signs and checks our tokens, so no
second JOSE library; the client caches the issuer's key set (`oidc_jwks_cache_seconds`) and
fetches it again when a token names a `kid` it does not hold (key rotation), at most once per
`oidc_jwks_refresh_cooldown_seconds`, so tokens with made-up kids cannot make us hammer the IdP.
Only RS256 and ES256 are accepted: `none` and HS256 (a public key used as an HMAC secret) never
reach a key. The user is mapped from the claims on every request; no local account is needed.
"""

from __future__ import annotations

import hashlib
from typing import Any

import jwt
from fastapi import HTTPException, status

from kernel.http import auth
from kernel.settings import Settings

ALGORITHMS = ["RS256", "ES256"]
LEEWAY_SECONDS = 30   # clock skew between the IdP and us (assumed)


def is_from(settings: Settings, token: str) -> bool:
    """Does the token claim to come from the configured issuer? (Unverified: it only routes.)"""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return False
    return claims.get("iss") == settings.oidc_issuer


def jwks_url(settings: Settings) -> str:
    return settings.oidc_jwks_url or f"{settings.oidc_issuer.rstrip('/')}/.well-known/jwks.json"


def key_client(app: Any, settings: Settings) -> jwt.PyJWKClient:
    """This app's key-set client (one per process; its cache is its own)."""
    client = getattr(app.state, "oidc_keys", None)
    if client is None:
        client = app.state.oidc_keys = jwt.PyJWKClient(
            jwks_url(settings), cache_jwk_set=True, lifespan=settings.oidc_jwks_cache_seconds,
            timeout=5, cooldown_duration=settings.oidc_jwks_refresh_cooldown_seconds)
    return client


def verified_claims(client: jwt.PyJWKClient, settings: Settings, token: str) -> dict[str, Any]:
    """The token's claims once signature, iss, aud, exp and nbf hold; PyJWTError otherwise."""
    header = jwt.get_unverified_header(token)
    if header.get("alg") not in ALGORITHMS:
        raise jwt.InvalidAlgorithmError(f"algorithm {header.get('alg')!r} not accepted")
    key = client.get_signing_key(header.get("kid") or "")
    return jwt.decode(token, key.key, algorithms=ALGORITHMS, audience=settings.oidc_audience,
                      issuer=settings.oidc_issuer, leeway=LEEWAY_SECONDS,
                      options={"require": ["exp", "iss", "aud", "sub"]})


def user_of(app: Any, settings: Settings, token: str, unauthorized: HTTPException) -> auth.User:
    """The user an OIDC token names: 401 if it does not verify, 403 if its role maps to none."""
    try:
        claims = verified_claims(key_client(app, settings), settings, token)
    except jwt.PyJWKClientConnectionError:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            "身份提供方不可达 the identity provider's keys cannot be fetched",
                            headers={"Retry-After": "30"}) from None
    except jwt.PyJWTError:
        raise unauthorized from None
    return user_from_claims(settings, claims)


def user_from_claims(settings: Settings, claims: dict[str, Any]) -> auth.User:
    """Role, department and inspector number from the claims; 403 for an unmapped role."""
    given = claims.get(settings.oidc_role_claim)
    given = [given] if isinstance(given, str) else list(given or [])
    roles = [settings.oidc_role_map.get(str(r)) for r in given]
    role = next((r for r in roles if r in auth.ROLES), None)
    if role is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"角色未映射 no OpenCheck role for {given!r}")
    username = str(claims.get(settings.oidc_username_claim) or claims["sub"])
    department = claims.get(settings.oidc_department_claim)
    try:
        inspector_no = int(claims[settings.oidc_inspector_no_claim])
    except (KeyError, TypeError, ValueError):
        inspector_no = None
    return auth.User(id=subject_id(claims["iss"], claims["sub"]), username=username, role=role,
                     display_name=str(claims.get("name") or username),
                     department=str(department) if department is not None else None,
                     inspector_no=inspector_no)


def subject_id(issuer: str, subject: str) -> int:
    """A stable negative id per IdP subject (local ids are positive), within a 32-bit column
    (idempotency keys are kept per user id)."""
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).digest()
    return -(int.from_bytes(digest[:4], "big") & 0x7FFFFFFF) - 1
