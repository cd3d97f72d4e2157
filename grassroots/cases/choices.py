"""Vocabulary of the ledger (民情台账, docs/domain.md §3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    GRID_PATROL = "grid_patrol", _("Grid patrol")  # 网格巡查
    SERVICE_DAY = "service_day", _("Service-day visit")  # 服务日走访
    SELF_REPORT = "self_report", _("Resident self-report")  # 居民自报
    HOTLINE = "hotline", _("12345 hotline")  # 12345 热线
    JOINT_MEETING = "joint_meeting", _("Joint meeting")  # 联席会议
    DEPARTMENT = "department", _("Department assignment")  # 部门交办
    CONSULTATION = "consultation", _("Consultation meeting")  # 坝坝会/议事会


class ReporterKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")  # the resident reported it themselves
    ON_BEHALF = "on_behalf", _("Staff on behalf of a resident")
    ANONYMOUS = "anonymous", _("Anonymous")


class TriageClass(models.TextChoices):
    """三事分流 (Nan'an method, docs/domain.md §3.1)."""

    MAJOR = "major", _("Major matter (大事)")
    COMMUNITY = "community", _("Community matter (小事)")
    PRIVATE = "private", _("Private matter (私事)")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")  # 一般
    URGENT = "urgent", _("Urgent")  # 紧急
    CRITICAL = "critical", _("Critical")  # 特急


class HandlingMode(models.TextChoices):
    ON_THE_SPOT = "on_the_spot", _("On the spot (马上办)")
    RESPONSIBLE = "responsible", _("Responsible handling (负责办)")


class Level(models.TextChoices):
    """Where a case is handled: grid → community → street → district department (三级联动)."""

    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    DEPARTMENT = "department", _("Department")


LEVEL_ORDER = [Level.GRID, Level.COMMUNITY, Level.STREET, Level.DEPARTMENT]


class PrivateMode(models.TextChoices):
    """How a 私事 is resolved after guidance (docs/domain.md §3.1)."""

    SELF = "self", _("By the resident themselves")  # 自己解决
    MUTUAL = "mutual", _("Mutual aid (neighbours, volunteers)")  # 互助解决
    MARKET = "market", _("Market services")  # 市场解决


class State(models.TextChoices):
    REGISTERED = "registered", _("Registered")  # 已登记, awaiting triage
    TRIAGED = "triaged", _("Triaged")  # 已分流, awaiting routing
    GUIDED = "guided", _("Guided self-resolution")  # 引导自治 (私事), follow-up pending
    ROUTED = "routed", _("Routed")  # 已分派, awaiting acceptance
    IN_PROGRESS = "in_progress", _("In progress")  # 办理中
    RESOLVED = "resolved", _("Resolved, awaiting verification")  # 已办结待核实
    AWAITING_RATING = "awaiting_rating", _("Awaiting the reporter's rating")  # 待评价
    CLOSED = "closed", _("Closed")  # 已销号


OPEN_STATES = frozenset(State) - {State.CLOSED}
# States in which a unit or department holds the case and its stage clock runs.
HANDLING_STATES = frozenset({State.ROUTED, State.IN_PROGRESS, State.GUIDED})


class Outcome(models.TextChoices):
    """How a closed case ended. Distinct outcomes keep the rates honest (docs/domain.md §3.4)."""

    SOLVED = "solved", _("Solved")
    UNSOLVED = "unsolved", _("Closed unsolved")
    NOT_RESPONSIBLE = "not_responsible", _("Not our responsibility")
    NOT_TRUE = "not_true", _("Rejected: not true")
    DUPLICATE = "duplicate", _("Duplicate")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    BASICALLY = "basically", _("Basically satisfied")  # 基本满意
    DISSATISFIED = "dissatisfied", _("Dissatisfied")  # 不满意


class Color(models.TextChoices):
    """Deadline warning on a clock: yellow at a fraction of the limit, red when breached."""

    NONE = "", _("On time")
    YELLOW = "yellow", _("Yellow warning")
    RED = "red", _("Red: overdue")


class Supervision(models.TextChoices):
    """督办 levels (docs/domain.md §3.3)."""

    NONE = "", _("None")
    NORMAL = "normal", _("Supervised")  # 督办
    YELLOW_CARD = "yellow_card", _("Yellow card")  # 黄牌督办
    RED_CARD = "red_card", _("Red card")  # 红牌督办


SUPERVISION_ORDER = [Supervision.NONE, Supervision.NORMAL, Supervision.YELLOW_CARD, Supervision.RED_CARD]


class EventKind(models.TextChoices):
    REGISTER = "register", _("Registered")
    TRIAGE = "triage", _("Triaged")
    RETRIAGE = "retriage", _("Re-triaged")
    ROUTE = "route", _("Routed")
    GUIDE = "guide", _("Guided to self-resolution")
    FOLLOW_UP = "follow_up", _("Followed up")
    ASSIGN = "assign", _("Assigned")
    ACCEPT = "accept", _("Accepted")
    PROGRESS = "progress", _("Progress note")
    RESOLVE = "resolve", _("Resolved")
    SOLVE_ON_SPOT = "solve_on_spot", _("Solved on the spot")
    VERIFY = "verify", _("Verified")
    VERIFY_FAILED = "verify_failed", _("Verification failed")
    REQUEST_RATING = "request_rating", _("Rating requested")
    RATE = "rate", _("Rated")
    CLOSE = "close", _("Closed")
    CLOSE_UNSOLVED = "close_unsolved", _("Closed unsolved")
    RETURN = "return", _("Returned as misrouted")
    ESCALATE = "escalate", _("Escalated")
    REQUEST_EXTENSION = "request_extension", _("Extension requested")
    APPROVE_EXTENSION = "approve_extension", _("Extension approved")
    REFUSE_EXTENSION = "refuse_extension", _("Extension refused")
    REJECT = "reject", _("Rejected")
    MARK_DUPLICATE = "mark_duplicate", _("Marked as duplicate")
    REOPEN = "reopen", _("Reopened")
    COMMENT = "comment", _("Comment")
    WARN = "warn", _("Deadline warning")
    SUPERVISE = "supervise", _("Put under supervision")
    JOIN_PROBLEM = "join_problem", _("Linked to a common problem")
    LEAVE_PROBLEM = "leave_problem", _("Unlinked from a common problem")
    ATTACH = "attach", _("Photo attached")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ProblemState(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved, awaiting verification")
    VERIFIED = "verified", _("Verified")
