"""No API operation answers 5xx, whatever it is sent: a bounded, deterministic walk over the OpenAPI document.

Every operation of the published document is called, by an administrator and by a clerk, with the kinds of input
a fuzzer found server errors with (ids past 2³¹−1, negative and zero ids, words where numbers belong, NUL
characters, overlong text, wrong JSON types, malformed JSON, an empty multipart body). Each answer must be a 2xx,
3xx or 4xx, in the documented error envelope when it is an error.
"""

import io
import json

import pytest

from tests.incoming.conftest import incoming_office, pki, signed_pdf, trusted  # noqa: F401  (fixtures)
from tests.workflow.conftest import office  # noqa: F401  (fixture)

HUGE = "99999999999999999999"
PATH_VALUES = (HUGE, "2147483648", "-1", "0", "abc", "1")
QUERY_VALUES = ("", HUGE, "-1", "abc", "x\x00y", "2026-13-45", "1" * 5000)
ODD_VALUES = (None, True, -1, 10**30, 1.5, "", "x\x00y", "ư" * 20000, [], [1, "a"], {"a": {"b": []}})


def operations(app):
    spec = app.extensions["qlvb.api"].spec.to_dict()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path, operation, spec


def resolve(spec, schema):
    while schema and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema or {}


def json_bodies(spec, operation):
    content = operation.get("requestBody", {}).get("content", {})
    schema = resolve(spec, content.get("application/json", {}).get("schema"))
    yield from ({}, [], "văn bản", 5)
    for name in list(schema.get("properties", {}))[:20]:
        for value in ODD_VALUES:
            yield {name: value}


def fill(path, value):
    parts, out = path.split("/"), []
    for part in parts:
        out.append(value if part.startswith("{") else part)
    return "/".join(out)


def check(response, where):
    assert response.status_code < 500, f"{where}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    if response.status_code >= 400 and response.mimetype == "application/json":
        body = response.json
        assert set(body) == {"code", "message", "details"}, where
        assert isinstance(body["details"], dict), where
        assert all(isinstance(v, str) for v in body["details"].values()), f"{where}: {body['details']}"
        assert "Not a valid" not in json.dumps(body, ensure_ascii=False), f"{where}: English message {body}"


@pytest.fixture
def callers(incoming_office, api_token):  # noqa: F811
    return {"admin": api_token(incoming_office.admin), "clerk": api_token(incoming_office.clerk)}


@pytest.mark.parametrize("role", ["admin", "clerk"])
def test_no_operation_answers_a_server_error(app, client, callers, role):
    headers = callers[role]
    calls = 0
    for method, path, operation, spec in operations(app):
        send = getattr(client, method)
        params = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
        if "{" in path:
            for value in PATH_VALUES:
                check(send(fill(path, value), headers=headers), f"{method.upper()} {fill(path, value)}")
                calls += 1
        real = fill(path, "1")
        for param in params:
            for value in QUERY_VALUES:
                check(send(real, headers=headers, query_string={param["name"]: value}), f"{method} {real}?{param}")
                calls += 1
        if method == "get":
            continue
        for body in json_bodies(spec, operation):
            check(send(real, headers=headers, json=body), f"{method.upper()} {real} {str(body)[:80]}")
            calls += 1
        malformed = send(real, headers={**headers, "Content-Type": "application/json"}, data=b'{"a": [1,')
        check(malformed, f"{method.upper()} {real} malformed JSON")
        form = {"metadata": "[1, 2]", "files": (io.BytesIO(b"%PDF-1.7 not really"), "x.pdf"), "kind": "x\x00"}
        check(send(real, headers=headers, data=form, content_type="multipart/form-data"), f"{method} {real} form")
        calls += 2
    assert calls > 1000  # the walk really covered the document
