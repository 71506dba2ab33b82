"""Single sign-on: OIDC bearer tokens checked against a key set the test serves over HTTP."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient

from opencheck.app import create_app
from opencheck.bootstrap import bootstrap
from opencheck.migrate import upgrade
from tests.conftest import make_settings

ISSUER = "https://idp.example.gov.cn/realms/scjg"
AUDIENCE = "opencheck"
ROLE_MAP = {"sc-supervisor": "supervisor", "sc-inspector": "inspector", "sc-admin": "admin"}


class KeyServer:
    """A JWKS endpoint on 127.0.0.1 serving whatever keys the test publishes; counts fetches."""

    def __init__(self) -> None:
        self.keys: list[dict] = []
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:   # noqa: N802
                server.fetches += 1
                body = json.dumps({"keys": server.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/jwks"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, kid: str, private_key) -> None:
        public = private_key.public_key()
        algorithm = jwt.algorithms.RSAAlgorithm if isinstance(public, rsa.RSAPublicKey) \
            else jwt.algorithms.ECAlgorithm
        jwk = algorithm.to_jwk(public, as_dict=True)
        self.keys.append({**jwk, "kid": kid, "use": "sig"})


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def idp(rsa_key):
    server = KeyServer()
    server.publish("k1", rsa_key)
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def client(idp, tmp_path):
    settings = make_settings("sqlite", tmp_path, oidc_issuer=ISSUER, oidc_audience=AUDIENCE,
                             oidc_jwks_url=idp.url, oidc_role_map=ROLE_MAP,
                             oidc_jwks_refresh_cooldown_seconds=0)
    upgrade(settings)
    platform = bootstrap(settings)
    try:
        with TestClient(create_app(platform=platform)) as c:
            yield c
    finally:
        platform.close()


def claims(**over) -> dict:
    now = int(time.time())
    return {"iss": ISSUER, "aud": AUDIENCE, "sub": "u-1001", "iat": now, "nbf": now - 5,
            "exp": now + 600, "preferred_username": "zhang.san", "name": "张三",
            "roles": ["offline_access", "sc-supervisor"], "department": "market_regulation",
            **over}


def sign(key, kid: str = "k1", algorithm: str = "RS256", **over) -> str:
    return jwt.encode(claims(**over), key, algorithm=algorithm, headers={"kid": kid})


def me(client: TestClient, token: str):
    return client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})


def test_a_valid_token_is_accepted_with_the_mapped_role_and_department(client, rsa_key, idp):
    r = me(client, sign(rsa_key))
    assert r.status_code == 200, r.text
    assert r.json() == {"username": "zhang.san", "role": "supervisor", "display_name": "张三",
                        "department": "market_regulation", "inspector_no": None,
                        "single_sign_on": True}
    # a route for supervisors answers; the keys were fetched once and are cached
    token = sign(rsa_key, roles="sc-inspector", inspector_no=7, sub="u-2")
    r = me(client, token)
    assert r.json()["role"] == "inspector" and r.json()["inspector_no"] == 7
    assert client.get("/api/v1/entities", headers={
        "Authorization": f"Bearer {sign(rsa_key)}"}).status_code == 200
    assert idp.fetches == 1


def test_an_es256_key_is_accepted(client, idp):
    key = ec.generate_private_key(ec.SECP256R1())
    idp.publish("ec1", key)
    assert me(client, sign(key, kid="ec1", algorithm="ES256")).status_code == 200


def test_an_unmapped_role_is_forbidden(client, rsa_key):
    assert me(client, sign(rsa_key, roles=["offline_access"])).status_code == 403
    assert me(client, sign(rsa_key, roles="sc-superuser")).status_code == 403


@pytest.mark.parametrize("case", ["issuer", "audience", "expired", "not yet valid", "unknown kid",
                                  "other key", "alg none", "hs256 with the public key",
                                  "no exp", "tampered"])
def test_a_bad_token_is_refused_with_401(client, rsa_key, idp, case):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    if case == "issuer":
        # another issuer's token goes the local way and fails there too
        token = sign(rsa_key, iss="https://evil.example/realms/scjg")
    elif case == "audience":
        token = sign(rsa_key, aud="another-client")
    elif case == "expired":
        token = sign(rsa_key, iat=now - 7200, exp=now - 3600)
    elif case == "not yet valid":
        token = sign(rsa_key, nbf=now + 3600)
    elif case == "unknown kid":
        token = sign(other, kid="k-unknown")
    elif case == "other key":
        token = sign(other, kid="k1")
    elif case == "alg none":
        token = jwt.encode(claims(), None, algorithm="none", headers={"kid": "k1"})
    elif case == "hs256 with the public key":
        pem = rsa_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
        token = _hs256(claims(), pem, "k1")
    elif case == "no exp":
        body = claims()
        del body["exp"]
        token = jwt.encode(body, rsa_key, algorithm="RS256", headers={"kid": "k1"})
    else:
        head, body, sig = sign(rsa_key).split(".")
        forged = jwt.utils.base64url_encode(json.dumps(claims(roles=["sc-admin"])).encode())
        token = f"{head}.{forged.decode()}.{sig}"
    r = me(client, token)
    assert r.status_code == 401, (case, r.text)
    assert r.headers["WWW-Authenticate"] == "Bearer"


def _hs256(body: dict, secret: bytes, kid: str) -> str:
    """HS256 signed with the public key's PEM as the secret (PyJWT refuses to do it itself)."""
    import hashlib
    import hmac

    enc = jwt.utils.base64url_encode
    signing_input = b".".join([enc(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode()),
                               enc(json.dumps(body).encode())])
    mac = hmac.new(secret, signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + enc(mac)).decode()


def test_a_rotated_key_is_picked_up_by_its_new_kid(client, rsa_key, idp):
    assert me(client, sign(rsa_key)).status_code == 200
    assert idp.fetches == 1
    # the IdP rotates: a new key under a new kid; the cached set does not hold it yet
    new = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    idp.keys = []
    idp.publish("k2", new)
    assert me(client, sign(new, kid="k2")).status_code == 200
    assert idp.fetches == 2
    assert me(client, sign(new, kid="k2")).status_code == 200
    assert idp.fetches == 2   # cached again
    # the retired key is gone from the set: its tokens fail once the set was refreshed
    assert me(client, sign(rsa_key, kid="k1")).status_code == 401


def test_local_users_still_sign_in_beside_single_sign_on(client):
    from kernel.http import auth

    platform = client.app.state.platform
    auth.add_user(platform.engine, "demo-sup", "demo-supervisor-pass", "supervisor")
    r = client.post("/api/v1/auth/token",
                    data={"username": "demo-sup", "password": "demo-supervisor-pass"})
    assert r.status_code == 200
    assert me(client, r.json()["access_token"]).json()["single_sign_on"] is False
