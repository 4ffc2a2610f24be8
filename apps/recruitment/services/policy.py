"""The system owner's recruitment policy: renewal of checks, trial length, the agreement."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.organisations.models import Organisation
from apps.organisations.permissions import require_coordinator
from apps.recruitment.models import AgreementTemplate, RecruitmentSettings
from apps.recruitment.services._common import Refused


def recruitment_settings_update(
    *, actor: User, check_renewal_months: int, trial_months: int
) -> RecruitmentSettings:
    if not (actor.is_authenticated and actor.is_active and actor.is_owner_admin):
        raise PermissionDenied
    if not 12 <= check_renewal_months <= 24:
        raise Refused({"check_renewal_months": _("Choose between 12 and 24 months.")})
    if not 1 <= trial_months <= 12:
        raise Refused({"trial_months": _("Choose between 1 and 12 months.")})
    with transaction.atomic():
        policy = RecruitmentSettings.load()
        policy.check_renewal_months, policy.trial_months = check_renewal_months, trial_months
        policy.save()
        audit_record(
            actor=actor,
            action="recruitment.settings",
            target=policy,
            check_renewal_months=check_renewal_months,
            trial_months=trial_months,
        )
    return policy


def agreement_template_save(
    *, actor: User, text: str, title: str = "", organisation: Organisation | None = None
) -> AgreementTemplate:
    """The system owner's template (no organisation) or one organisation's own.

    Agreements already made keep their text: the checklist stores the rendered agreement.
    """
    if organisation is None:
        if not (actor.is_authenticated and actor.is_active and actor.is_owner_admin):
            raise PermissionDenied
    else:
        require_coordinator(actor, organisation)
    if not text.strip():
        raise Refused({"text": _("The agreement needs a text.")})
    with transaction.atomic():
        template = AgreementTemplate.objects.filter(organisation=organisation).first()
        if template is None:
            template = AgreementTemplate(organisation=organisation)
        template.title = title.strip() or str(_("Collaboration agreement"))
        template.text = text.strip()
        template.save()
        audit_record(actor=actor, action="recruitment.agreement_template", target=template)
    return template
