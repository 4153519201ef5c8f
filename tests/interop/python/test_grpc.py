"""grpcio against the library server: every RPC kind, status details, deadlines, auth."""

import time

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from interop import bearer, grpc_stub, method, msg, to_json

GetBook = "library.v1.BookService.GetBook"


def test_grpc_unary_returns_the_seeded_book_in_canonical_form():
    req, _, _ = method(GetBook)
    book = grpc_stub(GetBook)(req(name="shelves/fiction/books/dune"), timeout=10)
    assert book.title == "Dune"
    j = to_json(book)
    assert j["isbn13"] == "9780441013593"
    assert j["publishTime"] == "1965-08-01T00:00:00Z"
    assert j["physical"]["wordCount"] == "188000"
    assert j["labels"] == {"series": "dune"}
    assert j["purchaseOrderId"] == "PO-1"


def test_grpc_unary_with_read_mask_keeps_only_the_named_fields():
    req, _, _ = method(GetBook)
    r = req(name="shelves/fiction/books/dune")
    r.read_mask.paths.append("title")
    book = grpc_stub(GetBook)(r, timeout=10)
    assert to_json(book) == {"name": "shelves/fiction/books/dune", "title": "Dune"}


def test_grpc_server_streaming_sends_every_event_then_ok():
    req, _, _ = method("library.v1.BookService.WatchBooks")
    call = grpc_stub("library.v1.BookService.WatchBooks", "unary_stream")
    events = list(call(req(shelf="fiction"), timeout=10))
    assert [e.resume_token for e in events] == [
        "fiction-0", "fiction-1", "fiction-2", "fiction-end",
    ]
    assert events[0].created.name == "shelves/fiction/books/dune"
    assert events[-1].HasField("heartbeat")
    resumed = list(call(req(shelf="fiction", resume_token="fiction-1"), timeout=10))
    assert [e.resume_token for e in resumed] == ["fiction-2", "fiction-end"]


def test_grpc_server_streaming_error_after_messages_keeps_the_messages():
    req, _, _ = method("library.v1.BookService.WatchBooks")
    call = grpc_stub("library.v1.BookService.WatchBooks", "unary_stream")
    it = call(req(shelf="faulty"), timeout=10)
    got = []
    with pytest.raises(grpc.RpcError) as e:
        for event in it:
            got.append(event.resume_token)
    assert got == ["faulty-0", "faulty-end"]
    assert e.value.code() == grpc.StatusCode.DATA_LOSS
    assert e.value.details() == "the change log of shelf `faulty` is corrupt"


def test_grpc_server_streaming_validation_error_before_any_message():
    req, _, _ = method("library.v1.BookService.WatchBooks")
    call = grpc_stub("library.v1.BookService.WatchBooks", "unary_stream")
    with pytest.raises(grpc.RpcError) as e:
        list(call(req(shelf="Not A Shelf"), timeout=10))
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert e.value.details().startswith("invalid WatchBooksRequest.Shelf:")


def test_grpc_client_streaming_imports_valid_books_and_reports_the_rest():
    req, _, _ = method("library.admin.v1.AdminService.BulkImportBooks")
    Book = msg("library.v1.Book")
    requests = [
        req(shelf="poetry", book=Book(name="bulk-1", title="Ariel")),
        req(shelf="nowhere", book=Book(name="bulk-2", title="Lost")),
        req(shelf="poetry", book=Book(name="bulk-3", title="")),  # fails validation
        req(shelf="poetry", book=Book(name="bulk-4", title="Leaves of Grass")),
    ]
    call = grpc_stub("library.admin.v1.AdminService.BulkImportBooks", "stream_unary")
    summary = call(iter(requests), timeout=10)
    assert summary.imported_count == 2
    failures = [(f.index, f.message) for f in summary.failures]
    assert failures[0] == (1, "shelf `nowhere` does not exist")
    assert failures[1][0] == 2
    assert failures[1][1].startswith("invalid BulkImportBooksRequest.Book:") or failures[1][
        1
    ].startswith("invalid Book.Title:"), failures
    get_req, _, _ = method(GetBook)
    book = grpc_stub(GetBook)(get_req(name="shelves/poetry/books/bulk-4"), timeout=10)
    assert book.title == "Leaves of Grass"


def test_grpc_bidi_streaming_loan_desk_answers_each_scan():
    req, _, _ = method("library.v1.LoanService.LoanDesk")
    Patron = msg("library.v1.Patron")
    call = grpc_stub("library.v1.LoanService.LoanDesk", "stream_stream")
    requests = [
        req(scan_barcode="odes"),
        req(identify_patron=Patron(patron_id="p-desk", display_name="Desk Patron")),
        req(scan_barcode="no-such-barcode"),
        req(scan_barcode="left-hand"),
        req(scan_barcode="left-hand"),
        req(finish=True),
    ]
    responses = list(call(iter(requests), timeout=10))
    kinds = [r.WhichOneof("result") for r in responses]
    assert kinds == ["error_message", "error_message", "loan", "error_message"]
    assert responses[0].error_message == "identify a patron before scanning books"
    assert responses[1].error_message == "unknown barcode `no-such-barcode`"
    loan = responses[2].loan
    assert loan.book == "shelves/fiction/books/left-hand"
    assert loan.borrower.patron_id == "p-desk"
    assert to_json(loan)["loanPeriod"] == "1209600s"
    assert responses[3].error_message == "book `shelves/fiction/books/left-hand` is already on loan"


def test_grpc_bidi_streaming_interleaves_requests_and_responses():
    """The server answers a scan before the client sends the next message."""
    import queue

    req, _, _ = method("library.v1.LoanService.LoanDesk")
    Patron = msg("library.v1.Patron")
    q: "queue.Queue" = queue.Queue()

    def requests():
        while True:
            item = q.get()
            if item is None:
                return
            yield item

    call = grpc_stub("library.v1.LoanService.LoanDesk", "stream_stream")
    responses = call(requests(), timeout=10)
    q.put(req(identify_patron=Patron(patron_id="p-ping")))
    q.put(req(scan_barcode="nothing-1"))
    assert next(responses).error_message == "unknown barcode `nothing-1`"
    q.put(req(scan_barcode="nothing-2"))
    assert next(responses).error_message == "unknown barcode `nothing-2`"
    q.put(None)
    assert list(responses) == []


def test_grpc_validation_error_carries_bad_request_details():
    req, _, _ = method("library.v1.BookService.ListBooks")
    with pytest.raises(grpc.RpcError) as e:
        grpc_stub("library.v1.BookService.ListBooks")(
            req(shelf="fiction", page_size=5000), timeout=10
        )
    err = e.value
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.details() == "invalid ListBooksRequest.PageSize: value must be inside range [0, 1000]"
    status = rpc_status.from_call(err)
    assert status is not None, "grpc-status-details-bin must be sent"
    assert status.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert status.message == err.details()
    bad = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(bad)
    assert [(v.field, v.description) for v in bad.field_violations] == [
        ("page_size", "invalid ListBooksRequest.PageSize: value must be inside range [0, 1000]")
    ]


def test_grpc_handler_error_without_details():
    req, _, _ = method(GetBook)
    with pytest.raises(grpc.RpcError) as e:
        grpc_stub(GetBook)(req(name="shelves/fiction/books/missing"), timeout=10)
    assert e.value.code() == grpc.StatusCode.NOT_FOUND
    assert e.value.details() == "book `shelves/fiction/books/missing` does not exist"
    assert rpc_status.from_call(e.value) is None


def test_grpc_deadline_exceeded_on_a_slow_method():
    req, _, _ = method(GetBook)
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as e:
        grpc_stub(GetBook)(req(name="shelves/slow/books/x"), timeout=0.3)
    assert e.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < 2.5, "the call ends at the deadline, not after the work"


def test_grpc_unauthenticated_with_a_bad_token():
    req, _, _ = method(GetBook)
    with pytest.raises(grpc.RpcError) as e:
        grpc_stub(GetBook)(
            req(name="shelves/fiction/books/dune"), metadata=bearer("forged"), timeout=10
        )
    assert e.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert e.value.details() == "invalid token"


def test_grpc_handler_sees_the_authenticated_caller():
    req, _, _ = method("library.v1.BookService.CheckoutBook")
    call = grpc_stub("library.v1.BookService.CheckoutBook")
    with pytest.raises(grpc.RpcError) as e:
        call(req(name="shelves/fiction/books/earthsea", patron_id="p1"), timeout=10)
    assert e.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert e.value.details() == "sign in to borrow books"
    loan = call(
        req(name="shelves/fiction/books/earthsea", patron_id="p1"),
        metadata=bearer("good"),
        timeout=10,
    )
    assert loan.borrower.display_name == "u1"
    assert to_json(loan)["state"] == "ACTIVE"


def test_grpc_permission_denied_for_a_patron():
    req, _, _ = method("library.admin.v1.AdminService.PurgeLoans")
    with pytest.raises(grpc.RpcError) as e:
        grpc_stub("library.admin.v1.AdminService.PurgeLoans")(
            req(states=[4], dry_run=True), metadata=bearer("good"), timeout=10
        )
    assert e.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert e.value.details() == "only librarians with the admin role may purge loans"


def test_grpc_gzip_compressed_request_and_response():
    req, _, _ = method(GetBook)
    with grpc.insecure_channel(
        __import__("interop").ADDR, compression=grpc.Compression.Gzip
    ) as ch:
        _, resp, path = method(GetBook)
        call = ch.unary_unary(path, request_serializer=lambda m: m.SerializeToString(),
                              response_deserializer=resp.FromString)
        book = call(req(name="shelves/fiction/books/dune"), timeout=10)
    assert book.title == "Dune"


def test_grpc_unknown_method_is_unimplemented():
    with pytest.raises(grpc.RpcError) as e:
        __import__("interop").channel().unary_unary("/library.v1.BookService/Nope")(b"", timeout=10)
    assert e.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_grpc_large_message_over_the_limit_is_resource_exhausted():
    req, _, _ = method("library.v1.BookService.CreateBook")
    Book = msg("library.v1.Book")
    big = req(shelf="poetry", book_id="huge", book=Book(title="x", internal_notes="n" * (5 << 20)))
    with pytest.raises(grpc.RpcError) as e:
        grpc_stub("library.v1.BookService.CreateBook")(big, timeout=10)
    assert e.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_grpc_health_check_with_hand_encoded_messages():
    check = __import__("interop").channel().unary_unary("/grpc.health.v1.Health/Check")
    # HealthCheckRequest{service: ""} is empty; HealthCheckResponse{status: SERVING} is 08 01.
    assert check(b"", timeout=10) == b"\x08\x01"
    service = b"library.v1.BookService"
    assert check(b"\x0a" + bytes([len(service)]) + service, timeout=10) == b"\x08\x01"
    with pytest.raises(grpc.RpcError) as e:
        check(b"\x0a\x04nope", timeout=10)
    assert e.value.code() == grpc.StatusCode.NOT_FOUND
