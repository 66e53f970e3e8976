"""Agency deadline settings, the pure part: urgency levels, named rules, their defaults, checks and arithmetic.

A BPMN task names its deadline in `sla` / `urgent_sla` (design.md §4): an ISO duration or working-day rule
(app.sla.spec), or the name of a **rule** whose value each agency sets on its settings page (`intake`,
`register`, `present`, `assign`, `issue`), or `urgent`, the duration the agency gives the case's urgency level.
So an agency changes "2 working hours to handle an electronic arrival" without redeploying a process.

Văn bản khẩn are handled "ngay" — at once (NĐ 30/2020 Điều 4.2.c, 18.1, 23.1, 24.2; seed 001 QĐ 278 Điều 3.3):
for each urgency level the agency chooses whether deadlines count clock time (nights, weekends and holidays
included) or working time on its calendar. Defaults, from those articles:

- Hỏa tốc: clock time, PT1H. "Hỏa tốc" is the level meant to be carried at once whatever the hour: a document
  that arrives on Friday evening cannot wait for Monday, and even in office hours it must go faster than the
  2 working hours every electronic arrival gets (QĐ 278 Điều 3.3).
- Thượng khẩn: clock time, PT2H: the same "ngay", one step looser than Hỏa tốc.
- Khẩn: working time, PT4H (half a working day): still "ngay" inside office hours — never the ordinary
  "within the day, at the latest the next working day" allowance of Điều 4.2.c, which legal.md §6 says urgent
  documents bypass — but it does not call people in at night.

An urgent step never gets a later deadline than the same step of an ordinary document: the due instant is the
earlier of the ordinary one and the urgent one (a Khẩn electronic arrival keeps the 2-working-hour intake rule
of QĐ 278 Điều 3.3 when its own half-day would be longer).

Urgency keys are the plain strings of app.documents.models.Urgency: sla sits below documents in the layering.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from app.sla.spec import SlaSpec, SpecKind, parse_spec, spec_problem

URGENT_LEVELS = ("hoa_toc", "thuong_khan", "khan")  # most urgent first; "thuong" (ordinary) is not urgent
LEVEL_LABELS = {"hoa_toc": "Hỏa tốc", "thuong_khan": "Thượng khẩn", "khan": "Khẩn"}
# A case known to be urgent without a level (a plain case started "khẩn") counts as the mildest urgent level.
FALLBACK_LEVEL = "khan"


class Basis(StrEnum):
    CALENDAR = "calendar"  # clock time: nights, weekends and holidays count
    WORKING = "working"  # working time on the agency's calendar


BASIS_LABELS = {Basis.CALENDAR: "Giờ đồng hồ", Basis.WORKING: "Giờ làm việc"}


@dataclass(frozen=True)
class Rule:
    label: str
    default: str
    basis: str  # the article the default comes from, shown on the settings page


URGENT_RULE = "urgent"
RULES: Mapping[str, Rule] = MappingProxyType(
    {
        # seed 001 QĐ 278/QĐ-UBND Kiên Giang Điều 3.3: "xử lý ngay trong vòng 02 giờ (theo giờ hành chính)". The step
        # "Kiểm tra văn bản đến" (processes/incoming.bpmn check_document) of every incoming document, paper too.
        "intake": Rule("Tiếp nhận văn bản đến (kiểm tra)", "PT2H", "QĐ 278/QĐ-UBND Kiên Giang Điều 3.3"),
        # NĐ 30/2020 Điều 4.2.c: registered within the day, at the latest the next working day.
        "register": Rule("Đăng ký văn bản đến", "next-working-day", "NĐ 30/2020 Điều 4.2.c"),
        # NĐ 30/2020 Điều 23.1: presented to the leader within the day, at the latest the next working day.
        "present": Rule("Trình văn bản đến", "next-working-day", "NĐ 30/2020 Điều 23.1"),
        # seed 001 QĐ 278 Điều 3.3: assigned to the lead specialist within the day or the next working morning.
        "assign": Rule("Phân công chuyên viên chủ trì", "next-morning", "QĐ 278/QĐ-UBND Kiên Giang Điều 3.3"),
        # NĐ 30/2020 Điều 18.1 (Kiên Giang QĐ 278 Điều 3.3 is stricter: the next working morning).
        "issue": Rule("Phát hành văn bản đi", "next-working-day", "NĐ 30/2020 Điều 18.1"),
    }
)
RULE_NAMES = frozenset(RULES) | {URGENT_RULE}


@dataclass(frozen=True)
class LevelSetting:
    basis: Basis
    duration: SlaSpec


DEFAULT_URGENCY = MappingProxyType(
    {
        "hoa_toc": {"basis": Basis.CALENDAR.value, "duration": "PT1H"},
        "thuong_khan": {"basis": Basis.CALENDAR.value, "duration": "PT2H"},
        "khan": {"basis": Basis.WORKING.value, "duration": "PT4H"},
    }
)


@dataclass(frozen=True)
class Settings:
    """One agency's effective settings, parsed."""

    urgency: Mapping[str, LevelSetting]
    rules: Mapping[str, SlaSpec]


def rule_name(text: str | None) -> str | None:
    """The rule a BPMN value names (case and spaces ignored), or None when it is not a rule name."""
    name = (text or "").strip().lower()
    return name if name in RULE_NAMES else None


def bpmn_spec_problem(text: str, *, property_name: str = "sla") -> str | None:
    """What is wrong with an `sla` / `urgent_sla` value in BPMN (None when valid): a spec or a known rule name."""
    name = rule_name(text)
    if name == URGENT_RULE and property_name != "urgent_sla":
        return "quy tắc “urgent” (thời hạn theo mức độ khẩn) chỉ dùng cho thuộc tính urgent_sla"
    if name is not None:
        return None
    problem = spec_problem(text)
    if problem is None:
        return None
    if text and text.strip() and text.strip()[0].isalpha() and not text.strip().upper().startswith("P"):
        known = ", ".join(sorted(RULE_NAMES))
        return f"không có quy tắc thời hạn “{text.strip()}” (các quy tắc: {known}). {problem}"
    return problem


# --- cleaning what an administrator sends -----------------------------------------------------------------


def _clean_spec(value, *, clock_time: bool) -> tuple[str | None, str | None]:
    if not isinstance(value, str) or not value.strip():
        return None, "Nhập thời hạn, ví dụ PT2H."
    if rule_name(value) is not None:
        return None, "Nhập một thời hạn (PT2H, P1D, next-working-day…), không nhập tên quy tắc."
    problem = spec_problem(value)
    if problem:
        return None, problem
    spec = parse_spec(value)
    if clock_time and spec.kind not in (SpecKind.WORKING_TIME, SpecKind.WORKING_DAYS):
        return None, "Tính theo giờ đồng hồ chỉ dùng PTnHnM (số giờ, phút) hoặc PnD (số ngày)."
    return spec.normalized, None


def clean_urgency(raw) -> tuple[dict, dict[str, str]]:
    """The urgency settings to store, and problems keyed `urgency.<level>.<field>`; missing levels keep defaults."""
    clean, problems = {level: dict(DEFAULT_URGENCY[level]) for level in URGENT_LEVELS}, {}
    if raw is None:
        return clean, problems
    if not isinstance(raw, Mapping):
        return clean, {"urgency": "Thiết lập theo mức độ khẩn không hợp lệ."}
    for level, value in raw.items():
        if level not in URGENT_LEVELS:
            problems[f"urgency.{level}"] = f"Không có mức độ khẩn “{level}” (hoa_toc, thuong_khan, khan)."
            continue
        if not isinstance(value, Mapping):
            problems[f"urgency.{level}"] = "Thiết lập của mức độ khẩn cần cách tính (basis) và thời hạn (duration)."
            continue
        basis = value.get("basis", clean[level]["basis"])
        if basis not in set(Basis):
            problems[f"urgency.{level}.basis"] = "Chọn cách tính: giờ đồng hồ (calendar) hoặc giờ làm việc (working)."
            continue
        duration, problem = _clean_spec(value.get("duration", clean[level]["duration"]), clock_time=basis == "calendar")
        if problem:
            problems[f"urgency.{level}.duration"] = problem
            continue
        clean[level] = {"basis": basis, "duration": duration}
    return clean, problems


def clean_rules(raw) -> tuple[dict, dict[str, str]]:
    """The rule values to store, and problems keyed `rules.<name>`; missing rules keep their defaults."""
    clean, problems = {name: rule.default for name, rule in RULES.items()}, {}
    if raw is None:
        return clean, problems
    if not isinstance(raw, Mapping):
        return clean, {"rules": "Các quy tắc thời hạn không hợp lệ."}
    for name, value in raw.items():
        if name not in RULES:
            problems[f"rules.{name}"] = f"Không có quy tắc thời hạn “{name}” ({', '.join(RULES)})."
            continue
        spec, problem = _clean_spec(value, clock_time=False)
        if problem:
            problems[f"rules.{name}"] = problem
        else:
            clean[name] = spec
    return clean, problems


def parse_settings(urgency: Mapping | None, rules: Mapping | None) -> Settings:
    """Stored (or default) JSON to Settings; anything unusable in stored data falls back to the default."""
    levels = {}
    for level in URGENT_LEVELS:
        value = (urgency or {}).get(level) or DEFAULT_URGENCY[level]
        if value.get("basis") not in set(Basis) or spec_problem(value.get("duration")):
            value = DEFAULT_URGENCY[level]
        levels[level] = LevelSetting(Basis(value["basis"]), parse_spec(value["duration"]))
    values = {}
    for name, rule in RULES.items():
        text = (rules or {}).get(name)
        values[name] = parse_spec(text if text and not spec_problem(text) else rule.default)
    return Settings(MappingProxyType(levels), MappingProxyType(values))


DEFAULT_SETTINGS = parse_settings(None, None)


# --- computing --------------------------------------------------------------------------------------------


def resolve(text: str, level: str | None, settings: Settings) -> SlaSpec:
    """The spec a BPMN value stands for: a rule's value in these settings, or the text itself parsed."""
    name = rule_name(text)
    if name == URGENT_RULE:
        return settings.urgency[level if level in URGENT_LEVELS else FALLBACK_LEVEL].duration
    if name is not None:
        return settings.rules[name]
    return parse_spec(text)


def add_clock_time(start: datetime, spec: SlaSpec) -> datetime:
    """Plain clock arithmetic: PT2H is two hours of the clock, P1D twenty-four."""
    if spec.kind is SpecKind.WORKING_TIME:
        return start + timedelta(minutes=spec.minutes)
    return start + timedelta(days=spec.days)


def step_due(
    working_due: Callable[[datetime, SlaSpec], datetime],
    start: datetime,
    *,
    sla: str | None,
    urgent_sla: str | None,
    level: str | None,
    settings: Callable[[], Settings],
) -> datetime | None:
    """The deadline of a step that starts at `start`, or None when the BPMN gives it none.

    `working_due` computes on the agency's calendar; `settings` is called only when a rule name or an urgent
    case needs it (an ordinary step with an ISO duration reads nothing). For an urgent case (`level` set) the
    urgent value (`urgent_sla`, else `sla`) is counted the way the level's setting says, and the earlier of it
    and the ordinary deadline wins: urgent never means later (NĐ 30/2020 Điều 4.2.c, 23.1).
    """
    loaded: list[Settings] = []

    def current() -> Settings:
        if not loaded:
            loaded.append(settings())
        return loaded[0]

    def spec_of(text: str) -> SlaSpec:
        return resolve(text, level, current()) if rule_name(text) else parse_spec(text)

    ordinary = working_due(start, spec_of(sla)) if sla else None
    if level is None or not (urgent_sla or sla):
        return ordinary
    setting = current().urgency[level] if level in URGENT_LEVELS else current().urgency[FALLBACK_LEVEL]
    spec = spec_of(urgent_sla or sla)
    clock_countable = spec.kind in (SpecKind.WORKING_TIME, SpecKind.WORKING_DAYS)
    if setting.basis is Basis.CALENDAR and clock_countable:
        urgent = add_clock_time(start, spec)
    else:
        urgent = working_due(start, spec)
    return urgent if ordinary is None else min(ordinary, urgent)
