"""Write paths of the reserve pool: joining and leaving it (the volunteer), sending a
call-out (the site admin), answering one (anyone holding the link).

Who may send: the system owner's admins only (`User.is_owner_admin`), not organisation
admins: a call-out goes to the whole site's pool, across every organisation, and
organisation admins may not even see who is in it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.legal.models import Consent, Document
from apps.legal.selectors import current_version
from apps.legal.services import consent_record
from apps.reserve.messages import CALLOUT
from apps.reserve.models import Callout, CalloutAnswer, ReserveEnrolment
from apps.reserve.selectors import may_join, pool_people
from kernel import messages
from kernel.phones import normalise_phone
from tenants.selectors import current_tenant


class NotSiteAdmin(PermissionDenied):
    """Only the system owner's admins send call-outs (the web answers 404)."""


def reserve_join(*, user: User, email: bool, sms: bool, phone: str = "") -> ReserveEnrolment:
    """Join the pool, or change the channels. SMS needs a phone number (stored on the
    person, as the profile does) and gives the SMS consent (apps.legal), which the person
    sees and can withdraw on their account page; withdrawing it stops the SMS here too."""
    if not may_join(user=user):
        raise ValidationError(
            _("The reserve pool is for volunteers who are members of an organisation here.")
        )
    sms = sms and current_tenant().sms_enabled
    if not (email or sms):
        raise ValidationError(_("Choose at least one way to be called."))
    number = normalise_phone(phone or user.phone) if sms else None
    if sms and number is None:
        raise ValidationError(_("Enter a phone number to be called by text message."))
    with transaction.atomic():
        if number is not None and number != user.phone:
            User.objects.filter(pk=user.pk).update(phone=number)
            user.phone = number
        enrolment, created = ReserveEnrolment.objects.select_for_update().get_or_create(
            user=user, defaults={"email": email, "sms": sms}
        )
        if not created and (enrolment.email, enrolment.sms) != (email, sms):
            enrolment.email, enrolment.sms = email, sms
            enrolment.save(update_fields=["email", "sms"])
        elif not created:
            return enrolment  # the same choice again: nothing to record
        if sms:
            consent_record(
                user=user,
                purpose=Consent.Purpose.SMS,
                method=Consent.Method.ACCOUNT_PAGE,
                version=current_version(document=Document.PRIVACY),
            )
        action = "reserve.join" if created else "reserve.change"
        audit_record(actor=user, action=action, target=user, email=email, sms=sms)
    return enrolment


def reserve_leave(*, user: User) -> bool:
    """Leave the pool at any time; answers already given stay with their call-outs. The SMS
    consent is left as it is (other messages may use it; the account page withdraws it)."""
    with transaction.atomic():
        deleted, _rows = ReserveEnrolment.objects.filter(user=user).delete()
        if deleted:
            audit_record(actor=user, action="reserve.leave", target=user)
    return bool(deleted)


def reserve_sms_off(*, user: User) -> int:
    """The person withdrew their SMS consent (apps.privacy): no call-out by SMS any more."""
    changed = ReserveEnrolment.objects.filter(user=user, sms=True).update(sms=False)
    if changed:
        audit_record(actor=user, action="reserve.sms_off", target=user)
    return changed


def callout_send(*, by: User, title: str, body: str, place: str = "", when: str = "") -> Callout:
    """Send a call-out once to everyone in the pool now: the call-out, one answer row (with
    its own link) per person, and one essential message in the outbox, sent on commit at
    the lifted rate."""
    if not by.is_owner_admin:
        raise NotSiteAdmin
    with transaction.atomic():
        people = list(pool_people().values_list("pk", flat=True))
        if not people:
            raise ValidationError(_("Nobody is in the reserve pool yet."))
        callout = Callout.objects.create(
            title=title, body=body, place=place, when=when, sent_by=by, sent_at=timezone.now()
        )
        CalloutAnswer.objects.bulk_create(
            [CalloutAnswer(callout=callout, user_id=user_id) for user_id in people]
        )
        messages.send(
            CALLOUT,
            to=people,
            dedupe_key=callout.dedupe_key,
            params={"callout": callout.pk},
            author_id=by.pk,
        )
        audit_record(actor=by, action="reserve.callout", target=callout, people=len(people))
    return callout


def callout_answer(*, token: str, yes: bool) -> CalloutAnswer:
    """Yes or no from the person's own link; the latest answer wins, the same answer twice
    changes nothing. CalloutAnswer.DoesNotExist for a token that is not this site's."""
    with transaction.atomic():
        answer = CalloutAnswer.objects.select_for_update().select_related("user").get(token=token)
        if answer.yes is yes:
            return answer
        answer.yes, answer.answered_at = yes, timezone.now()
        answer.save(update_fields=["yes", "answered_at"])
        audit_record(
            actor=answer.user,
            action="reserve.answer",
            target=answer,
            callout=answer.callout_id,
            yes=yes,
        )
    return answer
