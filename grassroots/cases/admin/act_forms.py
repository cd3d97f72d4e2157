"""The admin's forms for the acts on a case or a common problem: one form per act, each with the
act's own fields and the hidden ``version`` the user read (optimistic locking, docs/domain.md §3).

A form only collects and shapes input; ``perform`` hands it to the action in
``grassroots.cases.actions``, which checks permission, state and version and writes. Field names
follow the actions' keyword arguments, so a domain ``ValidationError`` lands on the field it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import QuerySet
from django.template.defaultfilters import floatformat
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.cases import access, actions
from grassroots.cases.choices import (
    LEVEL_ORDER,
    ExtensionStatus,
    Level,
    Outcome,
    PrivateMode,
    Satisfaction,
    Supervision,
    TriageClass,
    Urgency,
)
from grassroots.cases.models import Case, Category, CommonProblem, Extension
from grassroots.core.errors import Conflict, ValidationError
from grassroots.core.models import User
from grassroots.org.models import Department, Post

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

# Domain error keys that are not form fields read with these labels.
ERROR_LABELS: Mapping[str, _StrOrPromise] = {
    "location": gettext_lazy("location"),
    "cases": gettext_lazy("cases"),
    "case": gettext_lazy("case"),
}


def _text(label: _StrOrPromise, *, required: bool = True, help_text: _StrOrPromise = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


def _choice(
    label: _StrOrPromise, choices: Any, *, required: bool = True, radio: bool = True, initial: Any = None
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        initial=initial,
        widget=forms.RadioSelect if radio else forms.Select,
    )


def _yes_no(label: _StrOrPromise, yes: _StrOrPromise, no: _StrOrPromise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", yes), ("no", no)],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


def categories_of(district_id: int) -> QuerySet[Category]:
    """A district's active catalog, in code order (the catalog is not personal data)."""
    return (
        Category.objects.filter(district_id=district_id, is_active=True)
        .select_related("parent__parent")
        .order_by("code")
    )


def category_label(category: Category) -> str:
    return " › ".join(node.name for node in reversed(category.lineage()))


class CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return category_label(obj)


def departments_of(district_id: int) -> QuerySet[Department]:
    return Department.objects.filter(district_id=district_id, is_active=True).order_by("code")


# -- the base --------------------------------------------------------------------------------------


class ActForm(forms.Form):
    """One act's input plus the ``version`` the user read. Subclasses narrow their choices to the
    subject (``narrow``) and call the action (``perform``); ``error_fields`` maps a domain error
    key onto the field that shows it when the names differ."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    multipart: ClassVar[bool] = False
    error_fields: ClassVar[Mapping[str, str]] = {}
    done_message: ClassVar[_StrOrPromise] = gettext_lazy("Done: %(act)s.")

    def __init__(self, *args: Any, subject: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject = subject
        self.user = user
        self.narrow()
        for field in self.fields.values():
            field.label = capfirst(field.label)

    def narrow(self) -> None:
        """Fit the choices to the subject (levels above the case, its district's departments …)."""

    def perform(self, version: int) -> object:
        raise NotImplementedError

    def add_domain_errors(self, exc: ValidationError) -> None:
        """Field errors inline; errors about things the form does not show at the top, labelled."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, errors in exc.error_dict.items():
            name = self.error_fields.get(key, key)
            messages_ = [message for error in errors for message in error.messages]
            if name in self.fields and name != NON_FIELD_ERRORS and not self.fields[name].disabled:
                self.add_error(name, messages_)
            elif key == NON_FIELD_ERRORS:
                self.add_error(None, messages_)
            else:
                label = ERROR_LABELS.get(key, key)
                self.add_error(None, [f"{label}: {message}" for message in messages_])


class CaseActForm(ActForm):
    @property
    def case(self) -> Case:
        subject: Case = self.subject
        return subject


# -- triage ----------------------------------------------------------------------------------------


class TriageForm(CaseActForm):
    """三事分流 (docs/domain.md §3.1): the class with a written reason."""

    triage_class = _choice(gettext_lazy("class"), TriageClass.choices)
    reason = _text(gettext_lazy("reason for the class"))
    category = CategoryField(queryset=Category.objects.none(), label=gettext_lazy("category"), required=False)
    urgency = _choice(gettext_lazy("urgency"), Urgency.choices, radio=False, required=False)

    def narrow(self) -> None:
        category_field: forms.ModelChoiceField[Category] = self.fields["category"]  # type: ignore[assignment]
        category_field.queryset = categories_of(self.case.district_id)
        self.initial.setdefault("category", self.case.category_id)
        self.initial.setdefault("urgency", self.case.urgency)
        if self.case.category is not None:
            # The catalog's class is the suggestion; the person triaging decides.
            self.initial.setdefault("triage_class", self.case.category.effective_class() or None)

    def perform(self, version: int) -> object:
        data = self.cleaned_data
        return actions.triage_case(
            self.case,
            actor=self.user,
            version=version,
            triage_class=data["triage_class"],
            reason=data["reason"],
            category=data["category"],
            urgency=data["urgency"] or None,
        )


class RetriageForm(CaseActForm):
    """Re-triage with a reason; the history keeps the old class (docs/domain.md §3.1)."""

    triage_class = _choice(gettext_lazy("new class"), TriageClass.choices)
    reason = _text(gettext_lazy("reason"))
    category = CategoryField(queryset=Category.objects.none(), label=gettext_lazy("category"), required=False)

    def narrow(self) -> None:
        category_field: forms.ModelChoiceField[Category] = self.fields["category"]  # type: ignore[assignment]
        category_field.queryset = categories_of(self.case.district_id)
        self.initial.setdefault("category", self.case.category_id)

    def perform(self, version: int) -> object:
        data = self.cleaned_data
        return actions.retriage_case(
            self.case,
            actor=self.user,
            version=version,
            triage_class=data["triage_class"],
            reason=data["reason"],
            category=data["category"],
        )


class RouteForm(CaseActForm):
    """Routing by class: 大事 to the street or a department, 小事 to the community or a grid, 私事
    to guided self-resolution (docs/domain.md §3.1–3.2). Only the fields of the case's class show."""

    level = _choice(gettext_lazy("level"), [], required=False)
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        label=gettext_lazy("department"),
        required=False,
        help_text=gettext_lazy("Empty: the category's department."),
    )
    private_mode = _choice(
        gettext_lazy("self-resolution path"), [("", gettext_lazy("Not known yet")), *PrivateMode.choices]
    )
    note = _text(gettext_lazy("note"), required=False)

    def narrow(self) -> None:
        klass = self.case.triage_class
        if klass == TriageClass.PRIVATE:
            del self.fields["level"], self.fields["department"]
            self.fields["private_mode"].required = False
            return
        del self.fields["private_mode"]
        level: forms.ChoiceField = self.fields["level"]  # type: ignore[assignment]
        if klass == TriageClass.MAJOR:
            level.choices = [
                ("", gettext_lazy("Street (default)")),
                (Level.DEPARTMENT.value, Level.DEPARTMENT.label),
            ]
            department: forms.ModelChoiceField[Department] = self.fields["department"]  # type: ignore[assignment]
            department.queryset = departments_of(self.case.district_id)
            category = self.case.category
            self.initial.setdefault("department", category.effective_department() if category else None)
        else:
            level.choices = [
                ("", gettext_lazy("Community (default)")),
                (Level.GRID.value, Level.GRID.label),
            ]
            del self.fields["department"]

    def perform(self, version: int) -> object:
        data = self.cleaned_data
        return actions.route_case(
            self.case,
            actor=self.user,
            version=version,
            level=data.get("level") or None,
            department=data.get("department"),
            private_mode=data.get("private_mode") or "",
            note=data.get("note") or "",
        )


class FollowUpForm(CaseActForm):
    """The follow-up of a guided 私事: solved, or still in difficulty (back to triage)."""

    solved = _yes_no(
        gettext_lazy("result"),
        gettext_lazy("Solved"),
        gettext_lazy("Still in real difficulty: back to triage"),
    )
    private_mode = _choice(
        gettext_lazy("solved by"), [("", "—"), *PrivateMode.choices], required=False, radio=False
    )
    note = _text(gettext_lazy("note"))

    def narrow(self) -> None:
        self.initial.setdefault("private_mode", self.case.private_mode)

    def perform(self, version: int) -> object:
        data = self.cleaned_data
        return actions.follow_up_private(
            self.case,
            actor=self.user,
            version=version,
            solved=data["solved"],
            private_mode=data.get("private_mode") or "",
            note=data["note"],
        )


class RejectForm(CaseActForm):
    outcome = _choice(
        gettext_lazy("outcome"),
        [(o.value, o.label) for o in (Outcome.NOT_RESPONSIBLE, Outcome.NOT_TRUE)],
    )
    reason = _text(gettext_lazy("reason"))

    def perform(self, version: int) -> object:
        data = self.cleaned_data
        return actions.reject_case(
            self.case, actor=self.user, version=version, outcome=data["outcome"], reason=data["reason"]
        )


class MarkDuplicateForm(CaseActForm):
    original = forms.CharField(
        label=gettext_lazy("original case number"),
        max_length=16,
        help_text=gettext_lazy("The number of the case this one repeats, e.g. 2026-000123."),
    )
    note = _text(gettext_lazy("note"), required=False)

    def clean_original(self) -> Case:
        number = self.cleaned_data["original"].strip()
        original = access.cases_visible_to(self.user).filter(number=number).first()
        if original is None:
            raise forms.ValidationError(_("No case with this number is in your ledger."))
        return original

    def perform(self, version: int) -> object:
        data = self.cleaned_data
        return actions.mark_duplicate(
            self.case, actor=self.user, version=version, original=data["original"], note=data["note"]
        )


# -- handling --------------------------------------------------------------------------------------


class AssignForm(CaseActForm):
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label=gettext_lazy("assignee"))

    def narrow(self) -> None:
        case = self.case
        posts = Post.objects.active()
        if case.responsible_department_id:
            posts = posts.filter(department_id=case.responsible_department_id)
        elif case.responsible_unit_id is not None:
            roles = sorted(access.HANDLER_ROLES.get(case.level, frozenset()))
            posts = posts.filter(unit_id=case.responsible_unit_id, role__in=roles)
        else:
            posts = posts.none()
        field: forms.ModelChoiceField[User] = self.fields["assignee"]  # type: ignore[assignment]
        field.queryset = User.objects.filter(is_active=True, posts__in=posts).distinct().order_by("username")
        self.initial.setdefault("assignee", case.assignee_id)

    def perform(self, version: int) -> object:
        return actions.assign_case(
            self.case, actor=self.user, version=version, assignee=self.cleaned_data["assignee"]
        )


class AcceptForm(CaseActForm):
    note = _text(gettext_lazy("note"), required=False)

    def perform(self, version: int) -> object:
        return actions.accept_case(
            self.case, actor=self.user, version=version, note=self.cleaned_data["note"]
        )


class ProgressForm(CaseActForm):
    note = _text(gettext_lazy("progress"))

    def perform(self, version: int) -> object:
        return actions.add_progress(
            self.case, actor=self.user, version=version, note=self.cleaned_data["note"]
        )


class ResolveForm(CaseActForm):
    resolution = _text(gettext_lazy("what was done"))

    def perform(self, version: int) -> object:
        return actions.resolve_case(
            self.case, actor=self.user, version=version, resolution=self.cleaned_data["resolution"]
        )


class SolveOnTheSpotForm(CaseActForm):
    """马上办: solved at once; verified later by sampling or by the reporter (docs/domain.md §3.2)."""

    resolution = _text(gettext_lazy("what was done"))
    triage_class = _choice(
        gettext_lazy("class"),
        [("", gettext_lazy("As triaged (community matter if not triaged)")), *TriageClass.choices],
        required=False,
        radio=False,
    )

    def perform(self, version: int) -> object:
        data = self.cleaned_data
        return actions.solve_on_the_spot(
            self.case,
            actor=self.user,
            version=version,
            resolution=data["resolution"],
            triage_class=data.get("triage_class") or "",
        )


class ReturnForm(CaseActForm):
    reason = _text(gettext_lazy("why it is not yours"))

    def perform(self, version: int) -> object:
        return actions.return_case(
            self.case, actor=self.user, version=version, reason=self.cleaned_data["reason"]
        )


class EscalateForm(CaseActForm):
    """三级联动: up one level by default; urgent cases of some categories may skip levels."""

    to_level = _choice(gettext_lazy("to level"), [], required=False, radio=False)
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        label=gettext_lazy("department"),
        required=False,
        help_text=gettext_lazy("For a department: empty takes the planned or the category's department."),
    )
    reason = _text(gettext_lazy("reason"))
    error_fields = {"level": "to_level"}

    def narrow(self) -> None:
        current = LEVEL_ORDER.index(Level(self.case.level)) if self.case.level else -1
        above = LEVEL_ORDER[current + 1 :]
        level: forms.ChoiceField = self.fields["to_level"]  # type: ignore[assignment]
        level.choices = [("", gettext_lazy("The next level up")), *((lv.value, lv.label) for lv in above)]
        department: forms.ModelChoiceField[Department] = self.fields["department"]  # type: ignore[assignment]
        department.queryset = departments_of(self.case.district_id)
        self.initial.setdefault("department", self.case.planned_department_id)

    def perform(self, version: int) -> object:
        data = self.cleaned_data
        return actions.escalate_case(
            self.case,
            actor=self.user,
            version=version,
            reason=data["reason"],
            to_level=data.get("to_level") or None,
            department=data.get("department"),
        )


class RequestExtensionForm(CaseActForm):
    days = forms.DecimalField(
        label=gettext_lazy("working days"),
        min_value=Decimal("0.5"),
        max_value=Decimal("60"),
        decimal_places=2,
        max_digits=5,
    )
    reason = _text(gettext_lazy("reason"))
    done_message = gettext_lazy("Extension requested; the level above decides.")

    def perform(self, version: int) -> object:
        data = self.cleaned_data
        return actions.request_extension(
            self.case, actor=self.user, version=version, days=data["days"], reason=data["reason"]
        )


class DecideExtensionForm(CaseActForm):
    extension: Extension | None = None
    approve = _yes_no(gettext_lazy("decision"), gettext_lazy("Approve"), gettext_lazy("Refuse"))
    note = _text(gettext_lazy("note"), required=False)

    def narrow(self) -> None:
        self.extension = (
            self.case.extensions.filter(status=ExtensionStatus.PENDING).select_related("requested_by").first()
        )
        if self.extension is not None:
            self.fields["approve"].help_text = _(
                "%(who)s asks for %(days)s more working days: %(reason)s"
            ) % {
                "who": self.extension.requested_by or "—",
                "days": floatformat(self.extension.days, -2),
                "reason": self.extension.reason,
            }

    def perform(self, version: int) -> object:
        if self.extension is None:
            raise Conflict(
                _("No extension request is waiting for a decision."), current_version=self.case.version
            )
        data = self.cleaned_data
        return actions.decide_extension(
            self.extension, actor=self.user, version=version, approve=data["approve"], note=data["note"]
        )


class CloseUnsolvedForm(CaseActForm):
    reason = _text(gettext_lazy("reason"))

    def perform(self, version: int) -> object:
        return actions.close_unsolved(
            self.case, actor=self.user, version=version, reason=self.cleaned_data["reason"]
        )


class SuperviseForm(CaseActForm):
    level = _choice(gettext_lazy("supervision"), [(s.value, s.label) for s in Supervision if s])
    reason = _text(gettext_lazy("reason"))

    def perform(self, version: int) -> object:
        data = self.cleaned_data
        return actions.supervise_case(
            self.case, actor=self.user, version=version, level=data["level"], reason=data["reason"]
        )


class CommentForm(CaseActForm):
    note = _text(gettext_lazy("comment"))

    def perform(self, version: int) -> object:
        return actions.comment_case(
            self.case, actor=self.user, version=version, note=self.cleaned_data["note"]
        )


class AttachPhotoForm(CaseActForm):
    """A photo; its type and size are checked from the bytes by the action."""

    file = forms.FileField(label=gettext_lazy("photo"), help_text=gettext_lazy("JPEG, PNG, WebP or GIF."))
    multipart = True
    done_message = gettext_lazy("Photo attached.")

    def perform(self, version: int) -> object:
        upload = self.cleaned_data["file"]
        return actions.attach_photo(self.case, actor=self.user, upload=upload, name=upload.name or "")


# -- closing the loop ------------------------------------------------------------------------------


class VerifyForm(CaseActForm):
    """核实 by someone other than the handler (docs/domain.md §3.4)."""

    passed = _yes_no(
        gettext_lazy("result"), gettext_lazy("Passed"), gettext_lazy("Failed: back to the handler")
    )
    note = _text(gettext_lazy("note"), required=False, help_text=gettext_lazy("Required when it failed."))

    def perform(self, version: int) -> object:
        data = self.cleaned_data
        return actions.verify_case(
            self.case, actor=self.user, version=version, passed=data["passed"], note=data["note"]
        )


class RequestRatingForm(CaseActForm):
    note = _text(gettext_lazy("note"), required=False)

    def perform(self, version: int) -> object:
        return actions.request_rating(
            self.case, actor=self.user, version=version, note=self.cleaned_data["note"]
        )


class RateForm(CaseActForm):
    """The reporter's rating: their own, or recorded by staff from a phone call-back (``by_phone``,
    docs/ledger.md "Who may do what")."""

    satisfaction = _choice(gettext_lazy("satisfaction"), Satisfaction.choices)
    score = forms.TypedChoiceField(
        label=gettext_lazy("score"),
        choices=[("", "—"), *((str(n), str(n)) for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    comment = _text(gettext_lazy("the reporter's words"), required=False)

    def narrow(self) -> None:
        if access.is_reporter(self.user, self.case):
            self.fields["comment"].label = gettext_lazy("your comment")

    def perform(self, version: int) -> object:
        data = self.cleaned_data
        return actions.rate_case(
            self.case,
            actor=self.user,
            version=version,
            satisfaction=data["satisfaction"],
            score=data["score"],
            comment=data["comment"],
            by_phone=not access.is_reporter(self.user, self.case),
        )


class ReopenForm(CaseActForm):
    """Not solved after all, within the window: the reporter says so themselves, or staff record it
    from a phone call-back (``by_phone``, docs/domain.md §3.4)."""

    comment = _text(gettext_lazy("the reporter's words"))

    def narrow(self) -> None:
        if access.is_reporter(self.user, self.case):
            self.fields["comment"].label = gettext_lazy("what is still wrong")

    def perform(self, version: int) -> object:
        return actions.reopen_case(
            self.case,
            actor=self.user,
            version=version,
            comment=self.cleaned_data["comment"],
            by_phone=not access.is_reporter(self.user, self.case),
        )


class CloseForm(CaseActForm):
    note = _text(gettext_lazy("note"), required=False)

    def perform(self, version: int) -> object:
        return actions.close_case(self.case, actor=self.user, version=version, note=self.cleaned_data["note"])


ATTACH_PHOTO = "attach_photo"

# act name (``cases.acts``) → its form
CASE_ACT_FORMS: Mapping[str, type[CaseActForm]] = {
    "triage": TriageForm,
    "solve_on_the_spot": SolveOnTheSpotForm,
    "route": RouteForm,
    "retriage": RetriageForm,
    "follow_up": FollowUpForm,
    "assign": AssignForm,
    "accept": AcceptForm,
    "progress": ProgressForm,
    "resolve": ResolveForm,
    "return": ReturnForm,
    "escalate": EscalateForm,
    "request_extension": RequestExtensionForm,
    "decide_extension": DecideExtensionForm,
    "verify": VerifyForm,
    "request_rating": RequestRatingForm,
    "rate": RateForm,
    "reopen": ReopenForm,
    "close": CloseForm,
    "reject": RejectForm,
    "mark_duplicate": MarkDuplicateForm,
    "close_unsolved": CloseUnsolvedForm,
    "supervise": SuperviseForm,
    "comment": CommentForm,
    ATTACH_PHOTO: AttachPhotoForm,
}


# -- common problems -------------------------------------------------------------------------------


class ProblemActForm(ActForm):
    @property
    def problem(self) -> CommonProblem:
        subject: CommonProblem = self.subject
        return subject


class ResolveProblemForm(ProblemActForm):
    resolution = _text(gettext_lazy("what was done"))

    def perform(self, version: int) -> object:
        return actions.resolve_problem(
            self.problem, actor=self.user, version=version, resolution=self.cleaned_data["resolution"]
        )


class VerifyProblemForm(ProblemActForm):
    note = _text(gettext_lazy("note"), required=False)

    def perform(self, version: int) -> object:
        return actions.verify_problem(
            self.problem, actor=self.user, version=version, note=self.cleaned_data["note"]
        )


PROBLEM_ACT_FORMS: Mapping[str, type[ProblemActForm]] = {
    "resolve": ResolveProblemForm,
    "verify": VerifyProblemForm,
}


class ProblemTitleForm(forms.Form):
    """The common problem that the selected cases become (an action on the case list)."""

    title = forms.CharField(label=gettext_lazy("title of the common problem"), max_length=200)
    description = _text(gettext_lazy("description"), required=False)
