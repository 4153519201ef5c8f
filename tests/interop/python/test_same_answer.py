"""The same request gives the same answer, and the same error code and message, on every
protocol: gRPC (grpcio), gRPC-Web binary and text, Connect JSON and binary, and REST."""

import pytest

from interop import every_protocol, method, rest, rest_outcome

BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"

CASES = [
    # (id, method, request fields, token, REST verb and path or None, REST body, expected code)
    ("get-ok", "library.v1.BookService.GetBook", {"name": "shelves/fiction/books/dune"}, None,
     ("GET", "/v1/shelves/fiction/books/dune"), None, 0),
    ("get-not-found", "library.v1.BookService.GetBook", {"name": "shelves/fiction/books/zzz"},
     None, ("GET", "/v1/shelves/fiction/books/zzz"), None, 5),
    # The REST template cannot produce a name that breaks GetBookRequest's rules.
    ("get-invalid", "library.v1.BookService.GetBook", {"name": "shelves/x"}, None, None, None, 3),
    ("author-too-long", "library.v1.AuthorService.GetAuthor", {"name": "authors/" + "a" * 121},
     None, ("GET", "/v1/authors/" + "a" * 121), None, 3),
    # Non-ASCII text in a message: percent-encoded in grpc-message, plain in JSON.
    ("not-found-unicode", "library.v1.BookService.GetBook",
     {"name": "shelves/fiction/books/naïve—ü"}, None,
     ("GET", "/v1/shelves/fiction/books/na%C3%AFve%E2%80%94%C3%BC"), None, 5),
    ("list-ok", "library.v1.BookService.ListBooks",
     {"shelf": "fiction", "page_size": 2, "order_by": "title desc"}, None,
     ("GET", "/v1/shelves/fiction/books?page_size=2&order_by=title%20desc"), None, 0),
    ("list-page-size", "library.v1.BookService.ListBooks", {"shelf": "fiction", "page_size": 5000},
     None, ("GET", "/v1/shelves/fiction/books?page_size=5000"), None, 3),
    ("list-bad-order", "library.v1.BookService.ListBooks", {"shelf": "fiction", "order_by": "isbn"},
     None, ("GET", "/v1/shelves/fiction/books?order_by=isbn"), None, 3),
    ("list-no-shelf", "library.v1.BookService.ListBooks", {"shelf": "attic"}, None,
     ("GET", "/v1/shelves/attic/books"), None, 5),
    ("bad-token", "library.v1.BookService.GetBook", {"name": "shelves/fiction/books/dune"},
     "forged", ("GET", "/v1/shelves/fiction/books/dune"), None, 16),
    ("anonymous-checkout", "library.v1.BookService.CheckoutBook",
     {"name": "shelves/fiction/books/dune", "patron_id": "p"}, None,
     ("POST", "/v1/shelves/fiction/books/dune:checkout"), {"patronId": "p"}, 16),
    ("checkout-invalid-before-handler", "library.v1.BookService.CheckoutBook",
     {"name": "shelves/fiction/books/dune", "patron_id": ""}, "good",
     ("POST", "/v1/shelves/fiction/books/dune:checkout"), {}, 3),
    ("patron-purge", "library.admin.v1.AdminService.PurgeLoans", {"states": [4], "dry_run": True},
     "good", ("POST", "/v1/admin/loans:purge"), {"states": ["CANCELLED"], "dryRun": True}, 7),
    ("purge-missing-states", "library.admin.v1.AdminService.PurgeLoans", {"dry_run": True},
     "admin", ("POST", "/v1/admin/loans:purge"), {"dryRun": True}, 3),
    ("author-ok", "library.v1.AuthorService.GetAuthor", {"name": "authors/le-guin"}, None,
     ("GET", "/v1/authors/le-guin"), None, 0),
    ("wrappers", "library.admin.v1.AdminService.GetLegacyRecord", {"record_id": 42}, None,
     ("GET", "/v1/admin/legacyRecords/42"), None, 0),
    ("int64-gt", "library.admin.v1.AdminService.GetLegacyRecord", {"record_id": -1}, None,
     ("GET", "/v1/admin/legacyRecords/-1"), None, 3),
    ("settings", "library.admin.v1.AdminService.GetSettings", {}, None,
     ("GET", "/v1/admin/settings"), None, 0),
    ("shelves", "library.v1.ShelfService.GetShelf", {"shelf": "poetry"}, None,
     ("GET", "/v1/shelves/poetry"), None, 0),
    ("export", "library.admin.v1.AdminService.GetExportFile", {"name": "files/a/b/c.jsonl"}, None,
     ("GET", "/v1/files/a/b/c.jsonl"), None, 0),
]


@pytest.mark.parametrize(
    "full_method,fields,token,rest_call,rest_body,code",
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_same_request_same_answer_on_every_protocol(full_method, fields, token, rest_call,
                                                    rest_body, code):
    req, _, _ = method(full_method)
    outcomes = every_protocol(full_method, req(**fields), token)
    if rest_call:
        outcomes["rest"] = rest_outcome(rest(*rest_call, body=rest_body, token=token))
    reference = outcomes["grpc"]
    assert reference.code == code, reference
    for protocol, outcome in outcomes.items():
        assert (outcome.code, outcome.message) == (reference.code, reference.message), (
            protocol, outcome, reference)
        assert outcome.response == reference.response, (protocol, outcome, reference)
        # REST and Connect JSON carry the same details as gRPC's grpc-status-details-bin.
        assert outcome.details == reference.details, (protocol, outcome, reference)
    if code == 3 and reference.message.startswith("invalid "):
        assert reference.details == [BAD_REQUEST]
