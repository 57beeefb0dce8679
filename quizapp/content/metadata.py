"""Read an article's front matter into :class:`ActivityMeta`, reporting each problem at its line.

Every key an author may write is checked here, with a message that says what is wrong and,
for a misspelt key or value, what was probably meant. The reader is written by hand rather
than declared as a schema because each message and the line it points at are part of what
the author sees (tests/content pins them).
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from quizapp.content.credits import CREDIT_TYPES, OFFERED_TYPES, format_amount
from quizapp.content.evaluation import COMMITMENT_ITEM, ITEM_KEYS, ITEM_TYPES, EvaluationItem
from quizapp.content.formats import LEARNING_FORMATS
from quizapp.content.frontmatter import FrontMatter
from quizapp.content.model import (
    ActivityMeta,
    CreditOffer,
    FacultyMember,
    Problem,
    Relationship,
)
from quizapp.content.posttest import ID_RE
from quizapp.content.review_policy import MOMENTS as REVIEW_MOMENTS
from quizapp.content.review_policy import SHOWN as REVIEW_SHOWN
from quizapp.content.review_policy import ReviewPolicy

MAX_REVIEW_CYCLE_YEARS = 3
CREDIT_STEP = Decimal("0.25")
DEFAULT_ATTEMPTS = 3
MAX_WAIT_HOURS = 8760
MAX_FOLLOW_UP_WEEKS = 52
UAN_RE = re.compile(r"^(\d{4}|JA\d{7})-\d{4}-\d{2}-\d{3}-[HLX]\d{2}-[PT]$")

REQUIRED_KEYS = (
    "id",
    "title",
    "provider",
    "learning_format",
    "faculty",
    "accreditation_statement",
    "credits",
    "release_date",
    "expiration_date",
    "estimated_minutes",
    "objectives",
    "passing_score",
)
OPTIONAL_KEYS = (
    "summary",
    "participation",
    "review_date",
    "disclosure_mitigation",
    "commercial_support",
    "attempts_allowed",
    "attempt_wait_hours",
    "partial_credit",
    "review",
    "evaluation",
    "follow_up_weeks",
    "follow_up_questions",
    "certificate_approval",
    "accme_activity_id",
    "citation",
    "certificate_signatory",
    "provider_contact",
    "draft",
)
EVALUATION_ITEM_KEYS = ITEM_KEYS
EVALUATION_ITEM_TYPES = ITEM_TYPES
FACULTY_KEYS = ("name", "credentials", "role", "affiliation", "disclosures")
RELATIONSHIP_KEYS = ("company", "relationship")
CREDIT_KEYS = ("type", "amount", "statement", "uan")
SIGNATORY_KEYS = ("name", "title")


def read_meta(front: FrontMatter, path: str, problems: list[Problem]) -> ActivityMeta | None:
    """The activity's metadata when its front matter is clean; otherwise None, and each problem
    is appended to ``problems``."""
    return _MetaReader(front, path, problems).read()


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class _MetaReader:
    """Reads the front matter into :class:`ActivityMeta`, reporting each problem at its line."""

    def __init__(self, front: FrontMatter, path: str, problems: list[Problem]) -> None:
        self.front = front
        self.data = front.data
        self.path = path
        self.problems = problems
        self.ok = True

    def report(self, key_path: tuple[str | int, ...], message: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.path, self.front.line_of(*key_path), message))

    def read(self) -> ActivityMeta | None:
        for repeated in self.front.repeated_keys:
            self.ok = False
            self.problems.append(
                Problem(
                    self.path,
                    repeated.line,
                    f"front-matter key '{repeated.name}' is given twice "
                    f"(first on line {repeated.first_line})",
                )
            )
        known = REQUIRED_KEYS + OPTIONAL_KEYS
        meant: set[str] = set()
        for key in self.data:
            if key not in known:
                self.report((key,), _unknown("front-matter key", key, known))
                meant.update(difflib.get_close_matches(str(key), known, n=1))
        for key in REQUIRED_KEYS:
            if key not in self.data:
                if key not in meant:  # a misspelt key is reported once: as unknown
                    self.report((), f"missing required front-matter key '{key}'")
            elif self.data[key] is None or self.data[key] == [] or self.data[key] == {}:
                self.report((key,), f"'{key}' must not be empty")

        activity_id = self.text("id")
        if activity_id and not ID_RE.match(activity_id):
            self.report(("id",), "id must be lower-case letters, digits and hyphens")
        title = self.text("title")
        provider = self.text("provider")
        learning_format = self.text("learning_format")
        if learning_format and learning_format not in LEARNING_FORMATS:
            self.report(
                ("learning_format",),
                _unknown("learning_format", learning_format, tuple(LEARNING_FORMATS)),
            )
        faculty = self.faculty()
        mitigation = self.text("disclosure_mitigation", required=False)
        if any(member.relationships for member in faculty) and not mitigation:
            self.report(
                ("faculty",),
                "a faculty member reports a financial relationship, so "
                "'disclosure_mitigation' must say how it was mitigated",
            )
        release = self.date("release_date")
        review = self.date("review_date", required=False)
        expiration = self.date("expiration_date")
        self.check_dates(release, review, expiration)
        minutes = self.integer("estimated_minutes", minimum=1)
        passing = self.number("passing_score")
        if passing is not None and not Decimal(0) <= passing <= Decimal(100):
            self.report(("passing_score",), "passing_score must be between 0 and 100")
        known_format = LEARNING_FORMATS.get(learning_format)
        credits = self.credits(
            provider or "", known_format.activity_kind if known_format else "activity"
        )
        self.check_estimated_time(minutes, credits)
        attempts = self.attempts()
        objectives = self.string_list("objectives")
        review_policy = self.review()
        partial_credit = self.flag("partial_credit")
        draft = self.flag("draft")
        wait = self.number("attempt_wait_hours")
        if wait is not None and not Decimal(0) <= wait <= MAX_WAIT_HOURS:
            self.report(
                ("attempt_wait_hours",),
                f"attempt_wait_hours must be between 0 and {MAX_WAIT_HOURS} (one year)",
            )
            wait = None
        evaluation = self.questions("evaluation")
        follow_up_weeks, follow_up_questions = self.follow_up(evaluation)
        accme_id = self.accme_activity_id()
        signatory_name, signatory_title = self.signatory()
        approval = self.text("certificate_approval", required=False) or "automatic"
        if approval not in ("automatic", "manual"):
            self.report(
                ("certificate_approval",),
                _unknown("certificate_approval", approval, ("automatic", "manual")),
            )

        if not self.ok:
            return None
        assert release and expiration and minutes and passing is not None
        return ActivityMeta(
            id=activity_id,
            title=title,
            summary=self.text("summary", required=False),
            provider=provider,
            learning_format=learning_format,
            participation=self.text("participation", required=False)
            or _default_participation(passing),
            faculty=tuple(faculty),
            disclosure_mitigation=mitigation,
            commercial_support=self.text("commercial_support", required=False)
            or "This activity received no commercial support.",
            accreditation_statement=self.text("accreditation_statement"),
            credits=tuple(credits),
            release_date=release,
            review_date=review,
            expiration_date=expiration,
            estimated_minutes=minutes,
            objectives=tuple(objectives),
            passing_score=passing,
            attempts_allowed=attempts,
            citation=self.text("citation", required=False),
            review=review_policy,
            partial_credit=partial_credit,
            attempt_wait_hours=wait or Decimal(0),
            evaluation=evaluation,
            follow_up_weeks=follow_up_weeks,
            follow_up_questions=follow_up_questions,
            certificate_approval=approval,
            accme_activity_id=accme_id,
            certificate_signatory_name=signatory_name,
            certificate_signatory_title=signatory_title,
            provider_contact=" ".join(self.text("provider_contact", required=False).split()),
            id_line=self.front.line_of("id"),
            draft=draft,
        )

    def value(self, key_path: tuple[str | int, ...]) -> Any:
        node: Any = self.data
        for part in key_path:
            node = node[part]
        return node

    def text(self, *key_path: str | int, required: bool = True, source: Any = None) -> str:
        container = self.value(key_path[:-1]) if len(key_path) > 1 else self.data
        value = container.get(key_path[-1]) if isinstance(container, dict) else None
        if value is None:
            if required and len(key_path) > 1:
                self.report(key_path[:-1], f"missing required key '{key_path[-1]}'")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.report(key_path, f"'{key_path[-1]}' must be text")
            return ""
        text = str(value).strip()
        if required and not text:
            self.report(key_path, f"'{key_path[-1]}' must not be empty")
        return text

    def date(self, key: str, *, required: bool = True) -> dt.date | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                self.report((key,), f"{key} '{value}' is not a real date{_date_hint(value)}")
                return None
        if not isinstance(value, dt.date):
            self.report((key,), f"{key} must be a date written as YYYY-MM-DD")
            return None
        return value

    def check_dates(
        self, release: dt.date | None, review: dt.date | None, expiration: dt.date | None
    ) -> None:
        if release and review and review < release:
            self.report(("review_date",), f"review_date {review} is before release_date {release}")
        if release and expiration:
            if expiration <= release:
                self.report(
                    ("expiration_date",),
                    f"expiration_date {expiration} is not after release_date {release}",
                )
                return
            latest = max(release, review) if review else release
            limit = add_years(latest, MAX_REVIEW_CYCLE_YEARS)
            if expiration > limit:
                which = "last review" if review and review > release else "release"
                self.report(
                    ("expiration_date",),
                    f"expiration_date {expiration} is more than 3 years after the {which} "
                    f"({latest}); review the activity or expire it by {limit}",
                )

    def integer(self, key: str, *, minimum: int) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.report((key,), f"{key} must be a whole number of at least {minimum}")
            return None
        return value

    def number(self, key: str) -> Decimal | None:
        value = self.data.get(key)
        if value is None:
            return None
        return self.decimal((key,), value)

    def decimal(self, key_path: tuple[str | int, ...], value: Any) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.report(key_path, f"{key_path[-1]} must be a number")
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.report(key_path, f"{key_path[-1]} must be a number, not '{value}'")
            return None
        if not number.is_finite():
            self.report(key_path, f"{key_path[-1]} must be a number, not '{value}'")
            return None
        return number

    def attempts(self) -> int | None:
        value = self.data.get("attempts_allowed", DEFAULT_ATTEMPTS)
        if value == "unlimited":
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.report(
                ("attempts_allowed",),
                "attempts_allowed must be a whole number of at least 1, or 'unlimited'",
            )
            return DEFAULT_ATTEMPTS
        return value

    def string_list(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.report((key,), f"{key} must be a list with at least one entry")
            return []
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.report((key, index), f"each entry of {key} must be text")
            else:
                items.append(item.strip())
        return items

    def mapping_list(self, key: str, keys: tuple[str, ...]) -> list[tuple[int, dict[str, Any]]]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.report((key,), f"{key} must be a list with at least one entry")
            return []
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.report((key, index), f"each entry of {key} must be a mapping of keys")
                continue
            for item_key in item:
                if item_key not in keys:
                    self.report((key, index, item_key), _unknown(f"{key} key", item_key, keys))
            items.append((index, item))
        return items

    def accme_activity_id(self) -> str:
        value = self.data.get("accme_activity_id")
        if value is None:
            return ""
        if not isinstance(value, str) or not value.strip().isdigit():
            self.report(
                ("accme_activity_id",),
                "accme_activity_id must be the ACCME activity number in quotes, "
                'such as "202609117"',
            )
            return ""
        return value.strip()

    def signatory(self) -> tuple[str, str]:
        """The activity's own signatory (name, title), for a provider other than the site's."""
        key = "certificate_signatory"
        value = self.data.get(key)
        if value is None:
            return "", ""
        if not isinstance(value, dict):
            self.report((key,), f"{key} must give the signatory's 'name' and, if wanted, 'title'")
            return "", ""
        for item in value:
            if item not in SIGNATORY_KEYS:
                self.report((key, item), _unknown(f"{key} key", item, SIGNATORY_KEYS))
        name = " ".join(self.text(key, "name").split())
        return name, " ".join(self.text(key, "title", required=False).split())

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.report((key,), f"{key} must be true or false")
            return False
        return value

    def review(self) -> ReviewPolicy:
        value = self.data.get("review")
        if value is None:
            return ReviewPolicy()
        if not isinstance(value, dict):
            self.report(("review",), "review must map score, wrong_items and answers to a moment")
            return ReviewPolicy()
        policy: dict[str, str] = {}
        for key, moment in value.items():
            if key not in REVIEW_SHOWN:
                self.report(("review", key), _unknown("review key", key, REVIEW_SHOWN))
            elif moment not in REVIEW_MOMENTS:
                self.report(
                    ("review", key), _unknown(f"moment for {key}", str(moment), REVIEW_MOMENTS)
                )
            else:
                policy[key] = moment
        return ReviewPolicy.from_json(policy)

    def questions(self, key: str) -> tuple[EvaluationItem, ...] | None:
        """An ``evaluation`` or ``follow_up_questions`` list: the same shape of question."""
        if key not in self.data:
            return None
        items: list[EvaluationItem] = []
        seen: set[str] = set()
        for index, item in self.mapping_list(key, EVALUATION_ITEM_KEYS):
            path = (key, index)
            label = "evaluation" if key == "evaluation" else "follow-up"
            item_id = self.text(*path, "id")
            if item_id and not ID_RE.match(item_id):
                self.report(
                    (*path, "id"), f"{label} ids must be lower-case letters, digits and hyphens"
                )
            elif item_id in seen:
                self.report((*path, "id"), f"{label} id '{item_id}' is used twice")
            seen.add(item_id)
            kind = self.text(*path, "type")
            if kind and kind not in EVALUATION_ITEM_TYPES:
                self.report((*path, "type"), _unknown(f"{label} type", kind, EVALUATION_ITEM_TYPES))
            options = item.get("options")
            if kind == "choice":
                if not (
                    isinstance(options, list)
                    and len(options) >= 2
                    and all(isinstance(o, str) and o.strip() for o in options)
                ):
                    self.report(
                        path, f"a 'choice' {label} question needs 'options': two or more answers"
                    )
                    options = []
            elif options is not None:
                self.report((*path, "options"), f"only 'choice' {label} questions take options")
            required = item.get("required", kind != "text")
            if not isinstance(required, bool):
                self.report((*path, "required"), "required must be true or false")
            items.append(
                EvaluationItem(
                    id=item_id,
                    prompt=self.text(*path, "prompt"),
                    type=kind,
                    required=bool(required),
                    options=tuple(str(o).strip() for o in options or [])
                    if kind == "choice"
                    else (),
                )
            )
        return tuple(items)

    def follow_up(
        self, evaluation: tuple[EvaluationItem, ...] | None
    ) -> tuple[int | None, tuple[EvaluationItem, ...] | None]:
        """``follow_up_weeks`` and ``follow_up_questions``. The follow-up quotes the learner's
        answer to the evaluation's commitment question, so an activity's own evaluation must
        keep that question for a follow-up to have something to ask about."""
        questions = self.questions("follow_up_questions")
        if "follow_up_weeks" not in self.data:
            if questions is not None:
                self.report(
                    ("follow_up_questions",),
                    "follow_up_questions needs follow_up_weeks: say how many weeks after the "
                    "evaluation the follow-up is mailed",
                )
            return None, None
        weeks = self.data["follow_up_weeks"]
        if (
            isinstance(weeks, bool)
            or not isinstance(weeks, int)
            or not 1 <= weeks <= MAX_FOLLOW_UP_WEEKS
        ):
            self.report(
                ("follow_up_weeks",),
                f"follow_up_weeks must be a whole number of weeks from 1 to {MAX_FOLLOW_UP_WEEKS}",
            )
            return None, None
        if evaluation is not None and not any(
            item.id == COMMITMENT_ITEM and item.type == "text" for item in evaluation
        ):
            self.report(
                ("follow_up_weeks",),
                f"follow_up_weeks quotes the learner's answer to the evaluation question "
                f"'{COMMITMENT_ITEM}', so this activity's evaluation needs a text question "
                f"with id '{COMMITMENT_ITEM}'",
            )
        return weeks, questions

    def faculty(self) -> list[FacultyMember]:
        members = []
        for index, _item in self.mapping_list("faculty", FACULTY_KEYS):
            path = ("faculty", index)
            members.append(
                FacultyMember(
                    name=self.text(*path, "name"),
                    credentials=self.text(*path, "credentials"),
                    role=self.text(*path, "role", required=False) or "Faculty",
                    affiliation=self.text(*path, "affiliation", required=False),
                    relationships=tuple(self.relationships(path)),
                )
            )
        return members

    def relationships(self, path: tuple[str | int, ...]) -> list[Relationship]:
        item = self.value(path)
        value = item.get("disclosures")
        where = (*path, "disclosures")
        if value is None:
            self.report(
                path,
                "missing required key 'disclosures' (write 'none', or list each company "
                "and relationship)",
            )
            return []
        if isinstance(value, str) and value.strip().lower() == "none":
            return []
        if not isinstance(value, list) or not value:
            self.report(where, "disclosures must be 'none' or a list of company and relationship")
            return []
        found = []
        for index, entry in enumerate(value):
            entry_path = (*where, index)
            if not isinstance(entry, dict):
                self.report(entry_path, "each disclosure needs 'company' and 'relationship'")
                continue
            for key in entry:
                if key not in RELATIONSHIP_KEYS:
                    self.report(
                        (*entry_path, key), _unknown("disclosure key", key, RELATIONSHIP_KEYS)
                    )
            found.append(
                Relationship(
                    company=self.text(*entry_path, "company"),
                    relationship=self.text(*entry_path, "relationship"),
                )
            )
        return found

    def credits(self, provider: str, activity_kind: str) -> list[CreditOffer]:
        offers: list[CreditOffer] = []
        seen: set[str] = set()
        for index, item in self.mapping_list("credits", CREDIT_KEYS):
            path = ("credits", index)
            code = self.text(*path, "type")
            credit_type = CREDIT_TYPES.get(code)
            if code and code not in OFFERED_TYPES:
                self.report((*path, "type"), _unknown("credit type", code, OFFERED_TYPES))
                credit_type = None
            if code in seen:
                self.report((*path, "type"), f"credit type '{code}' is listed twice")
            seen.add(code)
            amount = None
            if "amount" not in item:
                self.report(path, "missing required key 'amount'")
            else:
                amount = self.decimal((*path, "amount"), item["amount"])
                if amount is not None and (amount <= 0 or amount % CREDIT_STEP != 0):
                    self.report(
                        (*path, "amount"),
                        f"credit amount {item['amount']} must be a positive multiple of 0.25",
                    )
                    amount = None
                elif amount is not None and credit_type and credit_type.whole_numbers:
                    rounded = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
                    if amount != rounded:
                        self.report(
                            (*path, "amount"),
                            f"{credit_type.name} are whole numbers: the {credit_type.board} "
                            f"rounds MOC points to the nearest whole number, so write "
                            f"{rounded:f}, not {item['amount']}",
                        )
                        amount = None
            uan = self.text(*path, "uan", required=False) or None
            # The UAN is ACPE's Universal Activity Number; the registry says which types need it.
            needs_uan = credit_type is not None and credit_type.needs_uan
            if needs_uan and not uan:
                self.report(
                    path, "ACPE credit needs the activity's 'uan' (e.g. 0798-9999-26-001-H01-P)"
                )
            elif uan and not needs_uan:
                self.report((*path, "uan"), "only ACPE pharmacy credit has a 'uan'")
            elif uan and not UAN_RE.match(uan):
                self.report((*path, "uan"), f"'{uan}' is not a UAN like 0798-9999-26-001-H01-P")
            statement = self.text(*path, "statement", required=False)
            if credit_type and amount is not None:
                offers.append(
                    CreditOffer(
                        type=code,
                        amount=amount,
                        statement=statement
                        or credit_type.designation(provider, amount, activity_kind),
                        uan=uan,
                    )
                )
        self.check_shares(offers)
        return offers

    def check_shares(self, offers: list[CreditOffer]) -> None:
        """A share of another type's credit (ABA Patient Safety of MOCA credits) needs that
        type offered too, for at least as much: PARS reports the two together."""
        amounts = {offer.type: offer.amount for offer in offers}
        if not offers:
            return
        listed = [item.get("type") for item in self.data["credits"] if isinstance(item, dict)]
        for offer in offers:
            whole = CREDIT_TYPES[offer.type].part_of
            index = listed.index(offer.type)
            if whole is None:
                continue
            name = CREDIT_TYPES[offer.type].name
            if whole not in amounts:
                self.report(
                    ("credits", index, "type"),
                    f"{name} are a share of {CREDIT_TYPES[whole].name}; offer '{whole}' too",
                )
            elif offer.amount > amounts[whole]:
                self.report(
                    ("credits", index, "amount"),
                    f"{name} ({format_amount(offer.amount)}) cannot exceed the "
                    f"{CREDIT_TYPES[whole].name} ({format_amount(amounts[whole])})",
                )

    def check_estimated_time(self, minutes: int | None, credits: list[CreditOffer]) -> None:
        hours = [o.amount for o in credits if CREDIT_TYPES[o.type].counts_hours]
        if minutes is None or not hours:
            return
        designated = max(hours)
        if Decimal(minutes) != designated * 60:
            self.report(
                ("estimated_minutes",),
                f"estimated_minutes is {minutes} but the activity designates "
                f"{format_amount(designated)} credit {'hour' if designated == 1 else 'hours'} "
                f"({designated * 60:.0f} minutes); they must match",
            )


def _unknown(what: str, value: str, known: tuple[str, ...]) -> str:
    guess = difflib.get_close_matches(str(value), known, n=1)
    hint = f"; did you mean '{guess[0]}'?" if guess else f" (expected one of: {', '.join(known)})"
    return f"unknown {what} '{value}'{hint}"


ISO_DATE_SHAPE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _date_hint(value: str) -> str:
    """Why ``value`` is no date: the day or month that does not exist when it is already
    written as YYYY-MM-DD, else the format to use."""
    shape = ISO_DATE_SHAPE_RE.match(value.strip())
    if shape is None:
        return " (write YYYY-MM-DD)"
    year, month, day = (int(part) for part in shape.groups())
    if not 1 <= month <= 12:
        return f": there is no month {month} (the middle number is the month, 01 to 12)"
    last = calendar.monthrange(year, month)[1]
    return f": {calendar.month_name[month]} {year} has {last} days, not {day}"


def _default_participation(passing: Decimal) -> str:
    return (
        "Read the article, then answer the posttest online; a score of at least "
        f"{passing.normalize():f}% is required. Complete the evaluation, then claim credit "
        "and download your certificate."
    )
