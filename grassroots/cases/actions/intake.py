"""Entering cases in the ledger, and their photos."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Required, TypedDict, Unpack

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.cases import access, deadlines, tally
from grassroots.cases.actions._base import (
    _ancestor,
    _require,
)
from grassroots.cases.choices import (
    Channel,
    EventKind,
    ReporterKind,
    State,
    Urgency,
)
from grassroots.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseSequence,
    Category,
    IdempotencyKey,
    SlaSettings,
    TimeLimit,
)
from grassroots.core import audit, bulk, pii
from grassroots.core.errors import NotAllowed, ValidationError
from grassroots.core.models import AuditAction, AuditRecord, User
from grassroots.core.validators import normalize_phone
from grassroots.core.workdays import Calendars
from grassroots.org import geo
from grassroots.org.access import active_posts, is_superuser
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit
from grassroots.people.access import own_resident
from grassroots.people.models import Household, Resident

# The choices as sets, built once (``.values`` makes a new list on every call).
_CHANNELS = frozenset(Channel.values)
_REPORTER_KINDS = frozenset(ReporterKind.values)
_URGENCIES = frozenset(Urgency.values)

# The longest client-supplied Idempotency-Key kept (the column's length).
IDEMPOTENCY_KEY_MAX = IdempotencyKey._meta.get_field("key").max_length or 100


def _numbers(now: dt.datetime, count: int) -> list[str]:
    """The next ``count`` case numbers of ``now``'s year (年-序号). The year's sequence row stays
    locked until the transaction ends, so numbers are never given twice."""
    year = timezone.localtime(now).year
    if not CaseSequence.objects.filter(year=year).update(last=F("last") + count):
        try:
            with transaction.atomic():
                CaseSequence.objects.create(year=year, last=count)
        except IntegrityError:  # someone created the year's row at the same moment
            CaseSequence.objects.filter(year=year).update(last=F("last") + count)
    last = CaseSequence.objects.get(year=year).last
    return [f"{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


@dataclass
class _Reads:
    """What registering reads that many cases share: the units points fall in, each district's
    deadline settings (and, for a batch, its time limits and one holiday calendar), and where the
    actor may report. ``register_case`` makes one per case; ``register_cases`` one per batch."""

    batch: bool = False
    calendars: Calendars = field(default_factory=Calendars)
    units: dict[int, Unit] = field(default_factory=dict)
    slas: dict[int, SlaSettings] = field(default_factory=dict)
    limits: dict[int, list[TimeLimit]] = field(default_factory=dict)
    may_report: dict[int, bool] = field(default_factory=dict)
    grids: dict[int, Unit | None] = field(default_factory=dict)
    _locator: geo.Locator | None = None

    def locator(self) -> geo.Locator:
        if self._locator is None:
            self._locator = geo.get_locator()
        return self._locator

    def unit(self, pk: int) -> Unit:
        if pk not in self.units:
            self.units[pk] = Unit.objects.get(pk=pk)
        return self.units[pk]

    def grid_above(self, unit: Unit) -> Unit | None:
        """The grid a building (or the unit itself) lies in."""
        if unit.pk not in self.grids:
            self.grids[unit.pk] = _ancestor(unit, {UnitKind.GRID})
        return self.grids[unit.pk]

    def sla(self, district_id: int) -> SlaSettings:
        if district_id not in self.slas:
            self.slas[district_id] = deadlines.sla_for(district_id)
        return self.slas[district_id]

    def time_limits(self, district_id: int) -> list[TimeLimit] | None:
        """A batch reads the district's limits once; a single case asks for its own."""
        if not self.batch:
            return None
        if district_id not in self.limits:
            self.limits[district_id] = deadlines.time_limits_of(district_id)
        return self.limits[district_id]

    def can_report_in(self, actor: User, unit: Unit) -> bool:
        if unit.pk not in self.may_report:
            self.may_report[unit.pk] = access.can_report_in(actor, unit)
        return self.may_report[unit.pk]


def _locate(
    *,
    actor: User,
    lat: float | None,
    lng: float | None,
    household: Household | None,
    building: Unit | None,
    reads: _Reads,
) -> tuple[Unit | None, Unit | None]:
    """(grid, owning unit) of a case from its household, building or point (docs/domain.md §2)."""
    if household is not None:
        return household.grid, household.grid
    if building is not None:
        grid = reads.grid_above(building)
        return grid, grid or building
    if lat is not None and lng is not None:
        located = reads.locator().locate(lat, lng)
        if located is not None:
            unit = reads.unit(located.unit_id)
            return (unit if located.is_grid else None), unit
    return None, None


class CaseInput(TypedDict, total=False):
    """What a case is entered with (``register_case``, ``register_cases``); ``_build`` holds the
    defaults: a resident reporter kind (made on-behalf or anonymous by what is known), normal
    urgency, received now, no location, category or caller."""

    title: Required[str]
    description: Required[str]
    channel: Required[str]
    reporter_kind: str
    reporter: Resident | None
    reporter_name: str
    reporter_phone: str
    public_anonymous: bool
    lat: float | None
    lng: float | None
    address: str
    household: Household | None
    building: Unit | None
    unit: Unit | None
    category: Category | None
    urgency: str
    source_ref: str
    received_at: dt.datetime | None


def register_case(
    *, actor: User, idempotency_key: str = "", **fields: Unpack[CaseInput]
) -> tuple[Case, bool]:
    """Enter a case in the ledger; returns ``(case, created)``.

    A resident reports for themselves (self-report); staff report on behalf of a resident, or for
    an anonymous or unregistered caller whose contact is kept private. The case is placed by its
    household, building or point (``locate``); a point in no grid goes to the enclosing community's
    (or street's) queue; with no location at all it goes to the resident's own grid or to the
    ``unit`` given. With ``idempotency_key`` a retry returns the case of the first call.
    """
    if len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
        raise ValidationError(
            {
                "idempotency_key": [
                    _("An idempotency key is at most %(max)d characters.") % {"max": IDEMPOTENCY_KEY_MAX}
                ]
            }
        )
    if idempotency_key:
        existing = (
            IdempotencyKey.objects.filter(user=actor, key=idempotency_key).select_related("case").first()
        )
        if existing is not None:
            return existing.case, False
    try:
        with transaction.atomic():
            case = _build(actor=actor, reads=_Reads(), **fields)
            # The number last: the year's sequence row stays locked until the commit, so every
            # other registration waits only for the writes from here on.
            case.number = _numbers(case.created_at, 1)[0]
            case.save()
            tally.created(case)
            _register_event(case).save(force_insert=True)
            _register_audit(case).save(force_insert=True)
            if idempotency_key:
                IdempotencyKey.objects.create(user=actor, key=idempotency_key, case=case)
            return case, True
    except IntegrityError:
        if idempotency_key:
            existing = (
                IdempotencyKey.objects.filter(user=actor, key=idempotency_key).select_related("case").first()
            )
            if existing is not None:
                return existing.case, False
        if fields.get("source_ref"):
            raise ValidationError(
                {"source_ref": [_("A case with this source reference is already in the ledger.")]}
            ) from None
        raise


def register_cases(
    *, actor: User, entries: Sequence[Mapping[str, Any]]
) -> list[Case | ValidationError | NotAllowed]:
    """Enter many cases at once (an import). Each entry holds ``register_case``'s arguments (no
    idempotency key) and is checked and placed exactly as ``register_case`` would; the ones that
    pass are written together in one transaction, with what every case shares read once (units,
    deadline settings, time limits, the holiday calendar), their numbers reserved in one block and
    rows inserted in bulk. Returns, per entry, the new case or the ``ValidationError`` or
    ``NotAllowed`` that refused it. Raises ``IntegrityError`` (nothing written) if a
    ``source_ref`` is already in the ledger: callers that cannot rule that out enter the batch
    one by one with ``register_case`` instead."""
    reads = _Reads(batch=True)
    results: list[Case | ValidationError | NotAllowed] = []
    for fields in entries:
        try:
            results.append(_build(actor=actor, reads=reads, **fields))
        except (ValidationError, NotAllowed) as exc:
            results.append(exc)
    cases = [case for case in results if isinstance(case, Case)]
    if not cases:
        return results
    with transaction.atomic():
        for case, number in zip(cases, _numbers(cases[0].created_at, len(cases)), strict=True):
            case.number = number
        rows = bulk.Writer(cases[0].created_at)
        rows.insert(cases)
        tally.created_all(cases)
        rows.insert([_register_event(case) for case in cases])
        rows.insert([_register_audit(case) for case in cases])
    return results


def _build(
    *,
    actor: User,
    reads: _Reads,
    title: str,
    description: str,
    channel: str,
    reporter_kind: str = ReporterKind.RESIDENT,
    reporter: Resident | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    public_anonymous: bool = False,
    lat: float | None = None,
    lng: float | None = None,
    address: str = "",
    household: Household | None = None,
    building: Unit | None = None,
    unit: Unit | None = None,
    category: Category | None = None,
    urgency: str = Urgency.NORMAL,
    source_ref: str = "",
    received_at: dt.datetime | None = None,
) -> Case:
    """A new case, checked, placed, with its phone sealed and its clock set, not yet saved (no
    number). Raises ``ValidationError`` for bad input and ``NotAllowed`` for a refused actor."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("A title is required.")]
    if not description.strip():
        errors["description"] = [_("Describe the problem.")]
    if channel not in _CHANNELS:
        errors["channel"] = [_("Unknown channel.")]
    if reporter_kind not in _REPORTER_KINDS:
        errors["reporter_kind"] = [_("Unknown kind of reporter.")]
    if urgency not in _URGENCIES:
        errors["urgency"] = [_("Unknown urgency.")]
    if (lat is None) != (lng is None):
        errors["lat"] = [_("Give both latitude and longitude.")]
    elif lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        errors["lat"] = [_("The point is outside latitude/longitude range.")]
    phone = ""
    if reporter_phone.strip():
        try:
            phone = normalize_phone(reporter_phone)
        except ValidationError as exc:
            errors["reporter_phone"] = exc.messages
    own = own_resident(actor)
    staff = bool(active_posts(actor)) or is_superuser(actor)
    if not staff:
        # A resident reports for themselves, through the self-report channel only.
        if own is None:
            raise NotAllowed(_("Only residents with an account and staff can report."))
        if reporter is not None and reporter.pk != own.pk:
            raise NotAllowed(_("Residents report their own problems."))
        reporter, reporter_kind, channel = own, ReporterKind.RESIDENT, Channel.SELF_REPORT
    elif reporter is not None:
        # Staff entering a resident's request, or a member of staff reporting as a resident.
        own_report = own is not None and reporter.pk == own.pk
        reporter_kind = ReporterKind.RESIDENT if own_report else ReporterKind.ON_BEHALF
    elif reporter_kind == ReporterKind.RESIDENT:
        reporter_kind = ReporterKind.ON_BEHALF if (reporter_name or phone) else ReporterKind.ANONYMOUS
    if reporter_kind == ReporterKind.ON_BEHALF and reporter is None and not (reporter_name.strip() or phone):
        errors.setdefault("reporter", []).append(_("Name the resident, or mark the report anonymous."))
    if errors:
        raise ValidationError(errors)
    if household is None and building is None and lat is None and reporter is not None and unit is None:
        household = reporter.household
    grid, owner = _locate(actor=actor, lat=lat, lng=lng, household=household, building=building, reads=reads)
    owner = owner or unit
    if owner is None:
        raise ValidationError(
            {"location": [_("Give a location: a point on the map, a household or a building.")]}
        )
    if owner.kind not in (
        UnitKind.GRID,
        UnitKind.COMMUNITY,
        UnitKind.VILLAGE,
        UnitKind.STREET,
        UnitKind.TOWN,
    ):
        owner = reads.grid_above(owner) or owner
    if owner.district_id is None:
        raise ValidationError({"location": [_("The location lies outside every district.")]})
    if staff and not reads.can_report_in(actor, owner):
        raise NotAllowed(_("You cannot report cases in that district."))
    if category is not None and category.district_id != owner.district_id:
        raise ValidationError({"category": [_("That category belongs to another district's catalog.")]})
    now = timezone.now()
    case = Case(
        district_id=owner.district_id,
        title=title.strip()[:200],
        description=description.strip(),
        channel=channel,
        source_ref=source_ref.strip()[:64],
        reporter_kind=reporter_kind,
        reporter=reporter,
        reporter_name=reporter_name.strip()[:50],
        public_anonymous=public_anonymous or reporter_kind == ReporterKind.ANONYMOUS,
        created_by=actor,
        lat=lat,
        lng=lng,
        address=address.strip()[:200] or (household.address if household else ""),
        household=household,
        building=building,
        grid=grid,
        unit=owner,
        category=category,
        triage_class=category.effective_class() if category else "",
        urgency=urgency,
        received_at=received_at or now,
        state=State.REGISTERED,
        created_at=now,
    )
    pii.store(case, "phone", phone, kind="phone")
    deadlines.set_case_clock(
        case,
        reads.sla(owner.district_id),
        rows=reads.time_limits(owner.district_id),
        calendars=reads.calendars,
    )
    case.triage_class = ""  # the class is decided at triage; the category's only shaped the limits
    case.next_sweep_at = deadlines.next_sweep_at(case)
    return case


def _register_event(case: Case) -> CaseEvent:
    return CaseEvent(
        district_id=case.district_id,
        case=case,
        at=case.created_at,
        actor=case.created_by,
        kind=EventKind.REGISTER,
        to_state=State.REGISTERED,
        data={"channel": case.channel, "unit": case.unit.code},
        version=case.version,
    )


def _register_audit(case: Case) -> AuditRecord:
    return audit.entry(
        actor=case.created_by,
        action=AuditAction.CREATE,
        target=case,
        target_id=case.number,
        scope_path=case.unit.path,
        changes={
            "channel": case.channel,
            "unit": case.unit.code,
            **({"phone": audit.SEALED} if case.phone_cipher else {}),
        },
    )


_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def photo_too_large() -> str:
    """What a photo above ``ATTACHMENT_MAX_BYTES`` is told, with the limit as people write it."""
    return _("The photo is larger than %(size)s.") % {"size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}


def sniff_image(head: bytes) -> str | None:
    """The image type from the first bytes, whatever the file name or browser claims."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@transaction.atomic
def attach_photo(case: Case, *, actor: User, upload: IO[bytes], name: str = "") -> Attachment:
    """Attach a photo: JPEG, PNG, WebP or GIF, at most ``ATTACHMENT_MAX_BYTES``, at most
    ``ATTACHMENTS_PER_CASE`` per case. The reporter, and anyone who may triage or handle, may attach."""
    _require(access.may_attach(actor, case), _("You cannot add photos to this case."))
    if case.attachments.count() >= settings.ATTACHMENTS_PER_CASE:
        raise ValidationError(
            {"file": [_("A case has at most %(n)s photos.") % {"n": settings.ATTACHMENTS_PER_CASE}]}
        )
    data = upload.read(settings.ATTACHMENT_MAX_BYTES + 1)
    if len(data) > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": [photo_too_large()]})
    if not data:
        raise ValidationError({"file": [_("The file is empty.")]})
    content_type = sniff_image(data[:16])
    if content_type is None:
        raise ValidationError({"file": [_("Only photos (JPEG, PNG, WebP or GIF) can be attached.")]})
    attachment = Attachment(
        district_id=case.district_id,
        case=case,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=name[:200],
        uploaded_by=actor,
    )
    attachment.file.save(
        name or "photo", ContentFile(data), save=False
    )  # stored under the uid (attachment_path)
    attachment.save()
    CaseEvent.objects.create(
        district_id=case.district_id,
        case=case,
        at=timezone.now(),
        actor=actor,
        kind=EventKind.ATTACH,
        from_state=case.state,
        to_state=case.state,
        data={"attachment": str(attachment.uid)},
        version=case.version,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        target=attachment,
        label=case.number,
        scope_path=case.unit.path,
        changes={"case": case.number, "size": len(data), "type": content_type},
    )
    return attachment
