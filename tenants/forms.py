from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kernel.forms import add_service_error
from tenants import validators
from tenants.models import Tenant

MAX_EMBED_ORIGINS = 20  # a CSP header, and a Tovholder site is embedded on a handful at most


class ServiceErrorsMixin(forms.Form):
    """Show a service's ValidationError on the form: keyed errors on their fields."""

    # Service errors arrive keyed by model field; show them on the form field of that name.
    FIELD_FOR_ERROR = {"schema_name": "slug", "timezone": "timezone_name"}

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_error(self, error, self.FIELD_FOR_ERROR)


class ProvisionForm(ServiceErrorsMixin):
    """The console's form; every rule lives in tenants.services.tenant_provision."""

    name = forms.CharField(label=_("Name of the system owner"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Tenant.Kind.choices)
    slug = forms.CharField(
        label=_("Short name"),
        max_length=63,
        help_text=_("Lower-case letters, digits and _; becomes the schema and the host name."),
    )
    domain = forms.CharField(label=_("Domain"), max_length=253, required=False)
    locale = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="da")
    timezone_name = forms.CharField(label=_("Time zone"), initial="Europe/Copenhagen")
    primary_colour = forms.CharField(label=_("Primary colour"), initial="#004b87", max_length=7)
    accent_colour = forms.CharField(label=_("Accent colour"), initial="#8b2a2a", max_length=7)
    welcome_text = forms.CharField(label=_("Welcome text"), widget=forms.Textarea, required=False)
    admin_name = forms.CharField(label=_("First administrator's name"), max_length=200)
    admin_email = forms.EmailField(label=_("First administrator's email"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, not at import, so it is translated into the visitor's language.
        base = settings.TENANT_BASE_DOMAIN
        self.fields["domain"].help_text = _("Leave empty for <short name>.%(base)s") % {
            "base": base
        }


class BrandingForm(ServiceErrorsMixin):
    primary_colour = forms.CharField(
        label=_("Primary colour"),
        max_length=7,
        help_text=_("Header and buttons, with white text: needs 4.5:1 contrast against white."),
    )
    accent_colour = forms.CharField(
        label=_("Accent colour"),
        max_length=7,
        help_text=_("Links on white pages: needs 4.5:1 contrast against white."),
    )
    welcome_text = forms.CharField(label=_("Welcome text"), widget=forms.Textarea, required=False)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 512 KB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )


class SiteSettingsForm(forms.ModelForm):
    """The system owner's admin: the site's rules for sign-ups and messages."""

    class Meta:
        model = Tenant
        fields = [
            "cancel_deadline_hours",
            "waitlist_stop_hours",
            "reminder_hours",
            "unfilled_alert_hours",
            "hours_margin",
            "coordinators_need_second_factor",
            "staff_idle_minutes",
            "contact_email",
            "contact_phone",
            "contact_address",
            "embed_origins",
        ]
        labels = {
            "contact_email": _("Contact email"),
            "contact_phone": _("Contact phone"),
            "contact_address": _("Postal address"),
        }
        help_texts = {
            "hours_margin": _(
                "Corrected hours may be at most the shift's length plus this; a coordinator "
                "can go further by ticking an override and giving a reason."
            ),
            "contact_email": _("Shown at the bottom of every page, with the phone and address."),
            "coordinators_need_second_factor": _(
                "Administrators always need one. Coordinators see volunteers' contact details."
            ),
            "staff_idle_minutes": _("Between 5 and 720. Volunteers stay signed in for 14 days."),
        }
        widgets = {
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "contact_address": forms.Textarea(attrs={"rows": 3}),
        }

    embed_origins = forms.CharField(
        label=_("Web sites that may show the opportunities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "One address a line, e.g. https://www.nyborg.dk, or https://*.nyborg.dk for all "
            "its subdomains. Only these sites can show the embedded list; none if empty."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["embed_origins"] = "\n".join(self.instance.embed_origins or [])

    def clean_embed_origins(self) -> list[str]:
        lines = str(self.cleaned_data["embed_origins"]).split()
        allow_loopback = settings.TENANT_URL_SCHEME == "http"  # development and tests only
        origins: list[str] = []
        errors: list[ValidationError] = []
        for line in lines:
            try:
                origin = validators.embed_origin(line, allow_loopback_http=allow_loopback)
            except ValidationError as error:
                errors.append(error)
            else:
                if origin not in origins:
                    origins.append(origin)
        if errors:
            raise ValidationError(errors)
        if len(origins) > MAX_EMBED_ORIGINS:
            raise ValidationError(
                _("At most %(n)s web sites.") % {"n": MAX_EMBED_ORIGINS}, code="embed_too_many"
            )
        return origins

    def clean_contact_phone(self) -> str:
        phone = str(self.cleaned_data["contact_phone"]).strip()
        if phone and not all(c.isdigit() or c in "+ -()" for c in phone):
            raise forms.ValidationError(_("Use only digits, spaces and +."))
        return phone


class MessagingSettingsForm(forms.ModelForm):
    """The vendor: SMS (it costs money) and the sending rate (it protects deliverability)."""

    class Meta:
        model = Tenant
        fields = ["sms_enabled", "sms_sender", "mail_rate_per_minute"]
        help_texts = {"sms_sender": _("At most 11 letters or digits, shown as the sender.")}

    def clean_sms_sender(self) -> str:
        sender = self.cleaned_data["sms_sender"].strip()
        if sender and not sender.replace(" ", "").isalnum():
            raise forms.ValidationError(_("Use only letters and digits."))
        return sender
