"""The `dates` widget (one date per ticked choice) and `default_from` of app.workflow.forms."""

from app.workflow.forms import coerce_submission, form_problems, prefill, source_problems

FORM = {
    "schema": {
        "type": "object",
        "properties": {
            "unit_ids": {"type": "array", "items": {"type": "integer"}},
            "unit_dues": {"type": "object", "additionalProperties": {"type": "string", "format": "date"}},
            "han": {"type": "string", "format": "date"},
        },
    },
    "ui": {
        "unit_ids": {"widget": "checkboxes", "dates": "unit_dues"},
        "unit_dues": {"widget": "dates", "for": "unit_ids"},
        "han": {"widget": "date", "default_from": "due_date"},
    },
}


def test_dates_are_kept_for_the_ticked_choices_only():
    posted = {"unit_dues.3": "2026-11-25", "unit_dues.4": "2026-11-26", "unit_dues.5": ""}
    data = coerce_submission(FORM, posted.get, lambda name: ["3", "5"] if name == "unit_ids" else [])
    assert data["unit_ids"] == [3, 5] and data["unit_dues"] == {"3": "2026-11-25"}  # 4 not ticked, 5 blank


def test_a_date_beside_an_unticked_choice_is_kept_and_refused_by_name():
    posted = {"unit_dues.3": "2026-11-25", "unit_dues.4": "2026-11-26", "unit_dues.5": ""}
    data = coerce_submission(FORM, posted.get, lambda name: ["3"] if name == "unit_ids" else [], posted.keys())
    assert data["unit_dues"] == {"3": "2026-11-25", "4": "2026-11-26"}  # 5 blank
    labelled = {**FORM, "schema": {**FORM["schema"], "properties": {**FORM["schema"]["properties"]}}}
    labelled["schema"]["properties"]["unit_ids"] = {"type": "array", "items": {"type": "integer", "enum": [3, 4, 5]}}
    labelled["ui"] = {**FORM["ui"], "unit_ids": {**FORM["ui"]["unit_ids"], "labels": {"4": "Phòng Kinh tế"}}}
    data["unit_ids"] = [3]
    problems = source_problems(labelled, data, agency_id=1)
    message = "Có hạn cho Phòng Kinh tế nhưng chưa chọn Phòng Kinh tế: đánh dấu chọn, hoặc xóa ngày."
    assert problems == {"unit_dues.4": message, "unit_dues": message}
    assert source_problems(labelled, {**data, "unit_ids": [3, 4]}, agency_id=1) == {}


def test_a_dates_field_must_serve_a_field_of_the_form():
    assert form_problems(FORM) == []
    broken = {**FORM, "ui": {**FORM["ui"], "unit_dues": {"widget": "dates", "for": "nowhere"}}}
    assert form_problems(broken) == ["trường “unit_dues”: “for” phải là một trường của biểu mẫu"]


def test_default_from_fills_only_what_the_case_lacks():
    assert prefill(FORM, {"due_date": "2026-12-10"}) == {"han": "2026-12-10"}
    assert prefill(FORM, {"due_date": "2026-12-10", "han": "2026-12-01"}) == {"han": "2026-12-01"}
    assert prefill(FORM, {"due_date": None}) == {}


def test_only_a_date_field_is_a_deadline():
    marked = {**FORM, "ui": {**FORM["ui"], "han": {"widget": "date", "deadline": True}}}
    assert form_problems(marked) == []
    wrong = {**FORM, "ui": {**FORM["ui"], "unit_ids": {"widget": "checkboxes", "deadline": True}}}
    assert form_problems(wrong) == ["trường “unit_ids”: “deadline” chỉ dùng cho trường kiểu ngày (date)"]


def test_a_field_faulted_twice_for_one_reason_says_it_once():
    from app.workflow.forms import join_problems

    schema = {"sender_name": "Trường này là bắt buộc.", "subject": "Tối đa 500 ký tự."}
    module = {
        "sender_name": "Cơ quan ban hành: trường này là bắt buộc.",
        "subject": "Nội dung quá dài (tối đa 500 ký tự).",
    }
    assert join_problems(schema, module) == module  # the more precise words, once
    assert join_problems(module, schema) == module
    # Two different reasons are both said; a group's message and its options' stay as they were
    assert join_problems({"d": "Ngày không hợp lệ."}, {"d": "Không được sau ngày đến."}) == {
        "d": "Ngày không hợp lệ. Không được sau ngày đến."
    }
    assert join_problems({"u": "A.", "u.7": "A."}, {"u": "A."}) == {"u": "A.", "u.7": "A."}


def test_a_deadline_offered_from_another_date_is_one_the_form_accepts(db_session, frozen_clock):
    form = {
        "schema": {"type": "object", "properties": {"han": {"type": "string", "format": "date"}}},
        "ui": {"han": {"widget": "date", "default_from": "due_date", "deadline": True}},
    }
    # Today is Monday 23/11/2026: a Sunday moves to the Monday after, a past day is not offered
    assert prefill(form, {"due_date": "2026-11-29"}) == {"han": "2026-11-30"}
    assert prefill(form, {"due_date": "2026-11-20"}) == {}
    assert prefill(form, {"due_date": "2026-11-27"}) == {"han": "2026-11-27"}
