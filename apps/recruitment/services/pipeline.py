"""Applications and their moves through the pipeline.

received → screening → interview → agreement → trial → active, or rejected / withdrawn
from any open stage. Every move writes an ApplicationEvent (from, to, who, when, note)
under the application's row lock, so two coordinators clicking at once move it once.

Applying needs a signed-in person: the public form sends strangers through the existing
registration (apps.accounts.services.volunteer_register), whose e-mailed link proves the
address. Creating users from an application form would let anyone file an application in
someone else's name.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.members.models import AVAILABILITY_CODES, Membership, Profile
from apps.organisations.permissions import require_coordinator
from apps.recruitment.models import Application, ApplicationEvent, Posting
from apps.recruitment.notifications import agreement_ready_send, application_received_send
from apps.recruitment.services._common import Refused, today
from apps.recruitment.services.onboarding import onboarding_attach, onboarding_open, trial_start
from kernel.times import now_or

S = Application.Status
CLOSING = (S.REJECTED, S.WITHDRAWN)
# The next stage of each open stage; any open stage may also end in rejected or withdrawn.
NEXT = {
    S.RECEIVED: S.SCREENING,
    S.SCREENING: S.INTERVIEW,
    S.INTERVIEW: S.AGREEMENT,
    S.AGREEMENT: S.TRIAL,
    S.TRIAL: S.ACTIVE,
}
ALLOWED: dict[str, tuple[str, ...]] = {
    stage: (following, *CLOSING) for stage, following in NEXT.items()
}


def allowed_moves(status: str) -> tuple[str, ...]:
    return ALLOWED.get(status, ())


def posting_is_open(posting: Posting, now: datetime | None = None) -> bool:
    day = today(now)
    return (
        posting.status == Posting.Status.PUBLISHED
        and posting.opens_on <= day
        and (posting.closes_on is None or posting.closes_on >= day)
    )


def application_submit(
    *,
    user: User,
    posting: Posting,
    motivation: str,
    skills: str = "",
    availability: list[str] | None = None,
    consent: bool,
    now: datetime | None = None,
) -> Application:
    """A signed-in person applies; the application starts as received."""
    now = now_or(now)
    if not posting_is_open(posting, now):
        raise Refused(_("This posting is not open for applications."), code="closed")
    if not consent:
        raise Refused(
            {"consent": _("Please accept that we store your application to handle it.")},
            code="consent",
        )
    if not motivation.strip():
        raise Refused({"motivation": _("Please tell us why you would like to help.")})
    codes = [code for code in (availability or []) if code in AVAILABILITY_CODES]
    try:
        with transaction.atomic():
            application = Application.objects.create(
                posting=posting,
                user=user,
                motivation=motivation.strip(),
                skills=skills.strip(),
                availability=codes,
                consented_at=now,
                status_changed_at=now,
            )
            ApplicationEvent.objects.create(
                application=application, to_status=S.RECEIVED, actor=user, at=now
            )
            profile, _created = Profile.objects.get_or_create(user=user)
            if profile.status in (Profile.Status.FOLLOWER, Profile.Status.INACTIVE):
                profile.status = Profile.Status.APPLICANT
                profile.save(update_fields=["status", "updated_at"])
            audit_record(actor=user, action="application.submitted", target=application)
            application_received_send(application=application)
    except IntegrityError:
        raise Refused(
            _("You have already applied for this role. We will be in touch."), code="twice"
        ) from None
    return application


def application_move(
    *,
    actor: User,
    application: Application,
    to: str,
    note: str = "",
    now: datetime | None = None,
) -> Application:
    """Move the application one step; refuse any move the pipeline does not allow.

    Withdrawing is also open to the applicant; every other move is for coordinators.
    """
    now = now_or(now)
    organisation = application.posting.organisation
    own_withdrawal = to == S.WITHDRAWN and actor.pk == application.user_id
    if not own_withdrawal:
        require_coordinator(actor, organisation)
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("posting__organisation", "user")
            .get(pk=application.pk)
        )
        if to not in allowed_moves(locked.status):
            raise Refused(
                _("An application cannot move from “%(from)s” to “%(to)s”.")
                % {"from": S(locked.status).label, "to": _label(to)},
                code="illegal_move",
            )
        from_status = locked.status
        locked.status, locked.status_changed_at = to, now
        if to == S.AGREEMENT:
            onboarding = onboarding_open(application=locked, actor=actor, now=now)
            agreement_ready_send(onboarding=onboarding)
        elif to == S.TRIAL:
            trial_start(application=locked, now=now)
        elif to == S.ACTIVE:
            locked.membership = _make_member(locked, actor, now)
        elif to in CLOSING:
            _profile_after_closing(locked)
        locked.save(update_fields=["status", "status_changed_at", "membership"])
        ApplicationEvent.objects.create(
            application=locked,
            from_status=from_status,
            to_status=to,
            actor=actor,
            at=now,
            note=note.strip(),
        )
        audit_record(
            actor=actor,
            action="application.moved",
            target=locked,
            **{"from": from_status, "to": to},
        )
    application.refresh_from_db()
    return application


def application_withdraw(*, user: User, application: Application, note: str = "") -> Application:
    if application.user_id != user.pk:
        require_coordinator(user, application.posting.organisation)
    return application_move(actor=user, application=application, to=S.WITHDRAWN, note=note)


def _label(status: str) -> str:
    try:
        return str(S(status).label)
    except ValueError:
        return status


def _make_member(application: Application, actor: User, now: datetime) -> Membership:
    posting = application.posting
    membership, created = Membership.objects.get_or_create(
        user=application.user,
        organisation=posting.organisation,
        defaults={"started_on": today(now), "contact_person": posting.contact_person},
    )
    if not created and membership.status != Membership.Status.ACTIVE:
        membership.status = Membership.Status.ACTIVE
        membership.save(update_fields=["status"])
    if created:
        audit_record(actor=actor, action="membership.added", target=membership)
    profile, _created = Profile.objects.get_or_create(user=application.user)
    if profile.status != Profile.Status.ACTIVE:
        profile.status = Profile.Status.ACTIVE
        profile.save(update_fields=["status", "updated_at"])
    onboarding_attach(application=application, membership=membership)
    return membership


def _profile_after_closing(application: Application) -> None:
    """An applicant with nothing else going on goes back to following."""
    profile = Profile.objects.filter(user_id=application.user_id).first()
    if profile is None or profile.status != Profile.Status.APPLICANT:
        return
    others = Application.objects.filter(user_id=application.user_id, status__in=Application.OPEN)
    if not others.exclude(pk=application.pk).exists():
        profile.status = Profile.Status.FOLLOWER
        profile.save(update_fields=["status", "updated_at"])
