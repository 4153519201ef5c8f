"""The Verify Phone endpoints (ZITADEL's auth API) of the `verify-phone` server, over every
protocol: set phone → read the code from the SMS outbox → verify, and the error table.

Every protocol walks the same scenario with its own user; the answers (codes, messages,
details, response shapes) must be the same on all of them."""

import json
import os
import subprocess

import pytest

from interop import Outcome, connect, grpc_call, grpc_web, method, msg, rest, rest_outcome

SERVICE = "zitadel.auth.v1.AuthService"
PHONE = "+41 79 123 45 67"
# The server stores numbers in E.164 form.
PHONE_E164 = "+41791234567"
ERROR_DETAIL = "type.googleapis.com/zitadel.v1.ErrorDetail"
PROTOCOLS = ["rest", "grpc", "grpc-web", "grpc-web-text", "connect-json", "connect-proto"]

REST_ROUTES = {
    "GetMyPhone": ("GET", "/auth/v1/users/me/phone"),
    "SetMyPhone": ("PUT", "/auth/v1/users/me/phone"),
    "VerifyMyPhone": ("POST", "/auth/v1/users/me/phone/_verify"),
    "ResendMyPhoneVerification": ("POST", "/auth/v1/users/me/phone/_resend_verification"),
    "RemoveMyPhone": ("DELETE", "/auth/v1/users/me/phone"),
}


def cli(*args) -> str:
    """Runs the server's own binary against the same state (tokens, outbox)."""
    exe = os.environ["PHONE_SERVER_BIN"]
    out = subprocess.run([exe, "--data-dir", os.environ["PHONE_DATA_DIR"], *args],
                         check=True, capture_output=True, text=True, timeout=30)
    return out.stdout


def token_for(user: str) -> str:
    return cli("token", "--user", user, "--org", "interop-org").strip()


def last_code(user: str) -> str:
    lines = [json.loads(line) for line in cli("outbox", "--json").splitlines() if line.strip()]
    codes = [m["code"] for m in lines if m["user_id"] == user]
    assert codes, f"no SMS for {user} in the outbox"
    return codes[-1]


def call(protocol: str, name: str, fields: dict, token) -> Outcome:
    full = f"{SERVICE}.{name}"
    req_cls, _, _ = method(full)
    request = req_cls(**fields)
    if protocol == "rest":
        verb, path = REST_ROUTES[name]
        body = fields if verb in ("PUT", "POST") else None
        return rest_outcome(rest(verb, path, body, token=token))
    if protocol == "grpc":
        return grpc_call(full, request, token)
    if protocol.startswith("grpc-web"):
        return grpc_web(full, request, token, text=protocol == "grpc-web-text")
    return connect(full, request, token, binary=protocol == "connect-proto")


def shape(outcome: Outcome):
    """What must be equal across protocols: code, message, detail types, response fields."""
    response = outcome.response
    keys = None
    if response is not None:
        keys = {k: sorted(v) if isinstance(v, dict) else type(v).__name__
                for k, v in response.items()}
    return (outcome.code, outcome.message, outcome.details, keys)


def scenario(protocol: str) -> list:
    user = f"phone-{protocol}"
    token = token_for(user)
    steps = []

    def step(label, name, fields, tok=token):
        outcome = call(protocol, name, fields, tok)
        steps.append((label, outcome))
        return outcome

    step("get before any phone", "GetMyPhone", {})
    step("verify without a phone", "VerifyMyPhone", {"code": "ABC123"})
    step("set phone", "SetMyPhone", {"phone": PHONE})
    step("verify with a wrong code", "VerifyMyPhone", {"code": "WRONG1"})
    step("verify with the code", "VerifyMyPhone", {"code": last_code(user)})
    step("verify again", "VerifyMyPhone", {"code": last_code(user)})
    step("get verified phone", "GetMyPhone", {})
    step("empty code", "VerifyMyPhone", {"code": ""})
    step("code too long", "VerifyMyPhone", {"code": "x" * 201})
    step("phone without +", "SetMyPhone", {"phone": "0791234567"})
    step("no token", "VerifyMyPhone", {"code": "ABC123"}, None)
    step("forged token", "GetMyPhone", {}, "forged")
    step("resend without a pending code", "ResendMyPhoneVerification", {})
    step("set phone again", "SetMyPhone", {"phone": "+41 79 000 00 00"})
    step("resend", "ResendMyPhoneVerification", {})
    step("verify the resent code", "VerifyMyPhone", {"code": last_code(user)})
    step("remove phone", "RemoveMyPhone", {})
    step("get after remove", "GetMyPhone", {})
    return steps


@pytest.fixture(scope="module")
def walks():
    return {p: scenario(p) for p in PROTOCOLS}


def by_label(steps, label) -> Outcome:
    return dict(steps)[label]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_phone_set_outbox_verify_walkthrough(walks, protocol):
    steps = walks[protocol]
    s = by_label(steps, "set phone")
    assert s.code == 0, s
    assert "sequence" in s.response["details"] and isinstance(s.response["details"]["sequence"], str)
    wrong = by_label(steps, "verify with a wrong code")
    assert (wrong.code, wrong.message) == (3, "Code is invalid (COMMAND-sM0cs)")
    assert wrong.details == [ERROR_DETAIL]
    ok = by_label(steps, "verify with the code")
    assert ok.code == 0, ok
    assert "creationDate" not in ok.response["details"], "ZITADEL leaves creation_date unset"
    assert ok.response["details"]["resourceOwner"] == "interop-org"
    again = by_label(steps, "verify again")
    assert (again.code, again.message) == (5, "Code not found (COMMAND-Rsj8c)")
    got = by_label(steps, "get verified phone")
    assert got.response["phone"] == {"phone": PHONE_E164, "isPhoneVerified": True}
    resent = by_label(steps, "verify the resent code")
    assert resent.code == 0, resent
    gone = by_label(steps, "get after remove")
    assert gone.code == 0 and "phone" not in gone.response


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_phone_error_table(walks, protocol):
    steps = walks[protocol]
    expected = {
        "verify without a phone": (5, "Code not found (COMMAND-Rsj8c)"),
        "empty code": (3, "invalid VerifyMyPhoneRequest.Code: value length must be between 1 "
                          "and 200 runes, inclusive"),
        "code too long": (3, "invalid VerifyMyPhoneRequest.Code: value length must be between "
                             "1 and 200 runes, inclusive"),
        "phone without +": (3, 'invalid SetMyPhoneRequest.Phone: value does not have prefix "+"'),
        "no token": (16, "auth header missing"),
    }
    for label, (code, message) in expected.items():
        outcome = by_label(steps, label)
        assert (outcome.code, outcome.message) == (code, message), (label, outcome)
    forged = by_label(steps, "forged token")
    assert forged.code == 16, forged


def test_phone_every_protocol_gives_the_same_answers(walks):
    reference = [(label, shape(o)) for label, o in walks["grpc"]]
    for protocol in PROTOCOLS:
        got = [(label, shape(o)) for label, o in walks[protocol]]
        for (label, want), (_, have) in zip(reference, got):
            assert have == want, (protocol, label, have, want)


def test_phone_rest_error_body_carries_the_error_detail():
    token = token_for("phone-rest-detail")
    rest("PUT", "/auth/v1/users/me/phone", {"phone": PHONE}, token=token)
    r = rest("POST", "/auth/v1/users/me/phone/_verify", {"code": "NOPE00"}, token=token)
    assert r.status == 400
    assert r.json() == {
        "code": 3,
        "message": "Code is invalid (COMMAND-sM0cs)",
        "details": [{"@type": ERROR_DETAIL, "id": "COMMAND-sM0cs", "message": "Code is invalid"}],
    }
    anonymous = rest("GET", "/auth/v1/users/me/phone")
    assert anonymous.status == 401
    assert anonymous.headers.get("www-authenticate", "").startswith("Bearer")


def test_phone_grpc_error_detail_decodes_with_grpcio_status():
    import grpc
    from grpc_status import rpc_status

    from interop import bearer, grpc_stub

    token = token_for("phone-grpc-detail")
    set_req, _, _ = method(f"{SERVICE}.SetMyPhone")
    grpc_stub(f"{SERVICE}.SetMyPhone")(set_req(phone=PHONE), metadata=bearer(token), timeout=10)
    verify_req, _, _ = method(f"{SERVICE}.VerifyMyPhone")
    with pytest.raises(grpc.RpcError) as e:
        grpc_stub(f"{SERVICE}.VerifyMyPhone")(verify_req(code="NOPE00"), metadata=bearer(token),
                                             timeout=10)
    status = rpc_status.from_call(e.value)
    detail = msg("zitadel.v1.ErrorDetail")()
    assert status.details[0].Unpack(detail)
    assert (detail.id, detail.message) == ("COMMAND-sM0cs", "Code is invalid")
