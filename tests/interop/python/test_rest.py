"""REST/JSON as grpc-gateway serves it, spoken with Python's http.client: every HttpRule form
of the library schema."""

import json


from interop import rest

def test_rest_get_with_a_single_segment_path_variable():
    r = rest("GET", "/v1/shelves/poetry")
    assert r.status == 200, r.body
    assert r.headers["content-type"] == "application/json"
    shelf = r.json()
    assert shelf["id"] == "poetry"
    assert shelf["capacity"] == "20", "uint64 is a JSON string"
    assert shelf["theme"] == "POETRY", "enums by name"
    assert shelf["branchAddress"]["regionCode"] == "US", "a oneof member by its JSON name"
    assert shelf["createTime"] == "2024-01-01T00:00:00Z"


def test_rest_multi_segment_variable_and_both_additional_bindings():
    canonical = rest("GET", "/v1/shelves/fiction/books/dune")
    assert canonical.status == 200, canonical.body
    v2 = rest("GET", "/v2/shelves/fiction/books/dune")
    post = rest("POST", "/v1/shelves/fiction/books/dune:get", {})
    assert v2.status == post.status == 200
    assert canonical.json() == v2.json() == post.json()
    assert canonical.json()["displayName"] == "Dune"


def test_rest_post_get_binding_takes_the_read_mask_from_the_body():
    r = rest("POST", "/v1/shelves/fiction/books/dune:get", {"readMask": "title,pageCount"})
    assert r.status == 200, r.body
    assert r.json() == {"name": "shelves/fiction/books/dune", "title": "Dune", "pageCount": 412}


def test_rest_query_parameters_of_every_kind():
    r = rest(
        "GET",
        "/v1/shelves/fiction/books?authors=authors/le-guin&genres=FANTASY&genres=POETRY"
        "&format=EBOOK&published.start_year=1960&published.endYear=1970&order_by=title"
        "&page_size=5&unknown_param=ignored",
    )
    assert r.status == 200, r.body
    body = r.json()
    assert [b["name"] for b in body["books"]] == ["shelves/fiction/books/earthsea"]
    assert body["totalSize"] == 1


def test_rest_query_enum_by_number():
    r = rest("GET", "/v1/shelves/fiction/books?format=3")
    assert r.status == 200, r.body
    assert [b["name"] for b in r.json()["books"]] == ["shelves/fiction/books/earthsea"]


def test_rest_query_pagination():
    first = rest("GET", "/v1/shelves/fiction/books?page_size=2")
    assert first.status == 200, first.body
    page = first.json()
    assert len(page["books"]) == 2 and page["nextPageToken"] == "2"
    assert page["totalSize"] == 3
    second = rest("GET", f"/v1/shelves/fiction/books?page_size=2&page_token={page['nextPageToken']}")
    assert [b["name"] for b in second.json()["books"]] == ["shelves/fiction/books/left-hand"]
    assert "nextPageToken" not in second.json(), "empty strings are omitted"


def test_rest_custom_verb_after_a_literal_with_response_body():
    r = rest(
        "GET",
        "/v1/shelves/fiction/books:batchGet?names=shelves/fiction/books/dune"
        "&names=shelves/fiction/books/nope",
    )
    assert r.status == 200, r.body
    body = r.json()
    assert isinstance(body, list), "response_body: the field alone is the body"
    assert [b["name"] for b in body] == ["shelves/fiction/books/dune"]


def test_rest_body_field_with_query_parameter_then_patch_nested_variable_and_delete():
    created = rest(
        "POST",
        "/v1/shelves/poetry/books?book_id=rest-1",
        {"title": "Howl", "isbn13": "9780872860179", "extraMetadata": {"k": [1, "two", None]},
         "audioLength": "3600.5s", "pageCount": 57},
    )
    assert created.status == 200, created.body
    book = created.json()
    assert book["name"] == "shelves/poetry/books/rest-1"
    assert book["extraMetadata"] == {"k": [1, "two", None]}
    assert book["audioLength"] == "3600.500s"
    assert book["createTime"] == "2024-06-01T10:00:00Z"

    again = rest("POST", "/v1/shelves/poetry/books?book_id=rest-1", {"title": "Howl"})
    assert again.status == 409 and again.json()["code"] == 6

    patched = rest(
        "PATCH",
        "/v1/shelves/poetry/books/rest-1",
        {"name": "shelves/other/books/ignored", "title": "Howl and Other Poems", "pageCount": 60},
    )
    assert patched.status == 200, patched.body
    assert (patched.json()["title"], patched.json()["pageCount"]) == ("Howl and Other Poems", 60)
    assert patched.json()["name"] == "shelves/poetry/books/rest-1", "the path wins over the body"
    assert patched.json()["isbn13"] == "9780872860179", (
        "no mask sent: the server fills it from the body's fields, the rest of the book is kept")

    wrong_etag = rest("DELETE", "/v1/shelves/poetry/books/rest-1?etag=nope")
    assert wrong_etag.status == 409 and wrong_etag.json()["code"] == 10
    assert patched.json()["etag"] == "rest-1-2"
    deleted = rest("DELETE", "/v1/shelves/poetry/books/rest-1?etag=rest-1-2")
    assert (deleted.status, deleted.json()) == (200, {})
    assert rest("GET", "/v1/shelves/poetry/books/rest-1").status == 404


def test_rest_update_mask_from_the_query_string():
    rest("POST", "/v1/shelves/poetry/books?book_id=rest-mask", {"title": "A", "pageCount": 1})
    r = rest("PATCH", "/v1/shelves/poetry/books/rest-mask?update_mask=title",
             {"title": "B", "pageCount": 2})
    assert r.status == 200, r.body
    assert (r.json()["title"], r.json()["pageCount"]) == ("B", 1)


def test_rest_head_custom_pattern():
    assert rest("HEAD", "/v1/shelves/fiction/books/dune").status == 200
    missing = rest("HEAD", "/v1/shelves/fiction/books/none")
    assert missing.status == 404
    assert missing.body == b"", "HEAD responses have no body"


def test_rest_custom_verb_with_body_star_and_the_caller():
    anonymous = rest("POST", "/v1/shelves/poetry/books/odes:checkout", {"patronId": "p7"})
    assert anonymous.status == 401
    assert anonymous.headers.get("www-authenticate") == "Bearer"
    assert anonymous.json() == {"code": 16, "message": "sign in to borrow books", "details": []}
    r = rest("POST", "/v1/shelves/poetry/books/odes:checkout",
             {"patronId": "p7", "loanPeriod": "86400s"}, token="good")
    assert r.status == 200, r.body
    loan = r.json()
    assert loan["book"] == "shelves/poetry/books/odes"
    assert loan["borrower"] == {"patronId": "p7", "displayName": "u1"}
    assert loan["dueTime"] == "2024-06-02T10:00:00Z"
    cancel = rest("POST", f"/v1/{loan['name']}:cancel", {"reason": "changed my mind"})
    assert cancel.status == 200 and cancel.json()["state"] == "CANCELLED"
    twice = rest("POST", f"/v1/{loan['name']}:cancel", {})
    assert twice.status == 400 and twice.json()["code"] == 9, "FAILED_PRECONDITION is 400"


def test_rest_body_star_create_and_nested_plain_variable_put():
    r = rest("POST", "/v1/shelves", {"shelf": {"id": "rest-shelf", "displayName": "R",
                                               "capacity": "7", "roomCode": "A1"}})
    assert r.status == 200, r.body
    assert r.json()["capacity"] == "7"
    put = rest("PUT", "/v1/shelves/rest-shelf", {"displayName": "Renamed", "capacity": 8})
    assert put.status == 200, put.body
    assert (put.json()["id"], put.json()["displayName"]) == ("rest-shelf", "Renamed")
    full = rest("DELETE", "/v1/shelves/fiction")
    assert full.status == 400
    assert full.json()["message"] == "shelf `fiction` still holds 3 books; set force to delete them too"
    assert rest("DELETE", "/v1/shelves/rest-shelf").status == 200
    assert rest("GET", "/v1/shelves/rest-shelf").status == 404


def test_rest_double_star_capture_keeps_the_slashes():
    r = rest("GET", "/v1/files/2024/06/books.csv")
    assert r.status == 200, r.body
    f = r.json()
    assert f["name"] == "files/2024/06/books.csv"
    assert f["format"] == "CSV" and f["contentType"] == "text/csv"
    assert f["sizeBytes"] == str(len(__import__("base64").b64decode(f["content"])))
    assert rest("GET", "/v1/files/2024/06/books.pdf").status == 404


def test_rest_int64_path_variable_and_every_wrapper_type():
    r = rest("GET", "/v1/admin/legacyRecords/42")
    assert r.status == 200, r.body
    assert r.json() == {
        "recordId": "42",
        "listPrice": 12.5,
        "wearRatio": 0.25,
        "legacyId": "9007199254740993",
        "barcode": "18446744073709551615",
        "circulationCount": 0,
        "copiesOwned": 3,
        "isReference": False,
        "callNumber": "PR6045 .H5",
        "marcBlob": "AAFNQVJD",
        "importTime": "2001-09-09T01:46:40.500Z",
    }
    assert rest("GET", "/v1/admin/legacyRecords/7").json() == {"recordId": "7", "callNumber": ""}
    bad = rest("GET", "/v1/admin/legacyRecords/abc")
    assert bad.status == 400 and bad.json()["code"] == 3
    zero = rest("GET", "/v1/admin/legacyRecords/0")
    assert zero.status == 400
    assert zero.json()["message"] == "invalid GetLegacyRecordRequest.RecordId: value must be greater than 0"


def test_rest_empty_in_empty_out_and_struct_value_listvalue():
    assert (rest("GET", "/v1/admin/healthz").status, rest("GET", "/v1/admin/healthz").json()) == (200, {})
    s = rest("GET", "/v1/admin/settings").json()
    assert s["branding"] == {"color": "#336699", "logoWidth": 120}
    assert s["defaultSortKey"] == "title"
    assert s["allowedOrigins"] == ["http://localhost:3000"]
    assert s["featureFlags"] == {"newCatalog": True}
    assert s["retentionPeriod"] == "31536000s"
    assert s["featuredGenres"] == ["FICTION", "POETRY"]
    assert "smtpPassword" not in s


def test_rest_body_field_patch_needs_an_admin():
    patron = rest("PATCH", "/v1/admin/settings", {"libraryName": "Shelbyville"}, token="good")
    assert patron.status == 403
    assert patron.json() == {"code": 7, "details": [],
                             "message": "only librarians with the admin role may change settings"}
    anonymous = rest("PATCH", "/v1/admin/settings", {"libraryName": "Shelbyville"})
    assert anonymous.status == 401
    settings = rest("GET", "/v1/admin/settings").json()
    settings["featureFlags"] = {"newCatalog": True, "a": 1.5, "b": None, "c": {"d": [False]}}
    admin = rest("PATCH", "/v1/admin/settings", settings, token="admin")
    assert admin.status == 200, admin.body
    assert admin.json()["featureFlags"] == settings["featureFlags"]
    assert admin.json()["updateTime"] == "2024-06-01T10:00:00Z"
    invalid = rest("PATCH", "/v1/admin/settings", {"libraryName": ""}, token="admin")
    assert invalid.status == 400
    assert invalid.json()["message"] == (
        "invalid UpdateSettingsRequest.Settings: embedded message failed validation | caused by: "
        "invalid Settings.LibraryName: value length must be between 1 and 200 runes, inclusive")


def test_rest_both_json_field_names_are_accepted():
    r = rest("POST", "/v1/shelves/fiction/books/dune:checkout", {"patron_id": "p-snake"},
             token="good")
    assert r.status == 200, r.body
    assert r.json()["borrower"]["patronId"] == "p-snake"


def test_rest_unknown_json_fields_are_ignored():
    r = rest("GET", "/v1/shelves/fiction/books/dune")
    assert r.status == 200
    r = rest("POST", "/v1/shelves/fiction/books/dune:get", {"no_such_field": {"x": 1}})
    assert r.status == 200, r.body


def _ndjson(reply):
    assert reply.headers["content-type"] == "application/json"
    return [json.loads(line) for line in reply.body.decode().splitlines() if line.strip()]


def test_rest_server_streaming_is_newline_delimited_results():
    """grpc-gateway streams server-streaming methods as newline-delimited {"result": …}."""
    r = rest("GET", "/v1/shelves/fiction/books:watch?resume_token=fiction-0")
    assert r.status == 200, r.body
    lines = _ndjson(r)
    assert [line["result"]["resumeToken"] for line in lines] == ["fiction-1", "fiction-2",
                                                                  "fiction-end"]
    assert lines[0]["result"]["created"]["name"] == "shelves/fiction/books/earthsea"
    assert lines[-1]["result"]["heartbeat"] == {}


def test_rest_server_streaming_error_is_the_last_line():
    r = rest("GET", "/v1/shelves/faulty/books:watch")
    assert r.status == 200, "the status line is sent before the stream fails"
    lines = _ndjson(r)
    assert [list(line) for line in lines] == [["result"], ["result"], ["error"]]
    assert lines[-1]["error"] == {"code": 15, "message": "the change log of shelf `faulty` is corrupt",
                                  "details": []}


def test_rest_server_streaming_refused_before_the_stream_is_a_plain_error():
    r = rest("GET", "/v1/shelves/Bad_Shelf/books:watch")
    assert r.status == 400
    assert r.json()["message"].startswith("invalid WatchBooksRequest.Shelf:")
    assert rest("GET", "/v1/shelves/attic/books:watch").status == 404


def test_rest_client_streaming_binding_is_not_served():
    r = rest("POST", "/v1/admin/books:bulkImport", {"shelf": "poetry"})
    assert r.status == 501 and r.json()["code"] == 12


def test_rest_healthz():
    r = rest("GET", "/healthz")
    assert (r.status, r.json()) == (200, {"status": "SERVING"})
