from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.groups.models import Group, GroupMember
from apps.members.models import Membership
from apps.organisations.models import Organisation
from apps.shifts.models import Event
from kernel.attachments import MultipleFileField


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("You can use **bold**, *italics*, lists and links."),
    )
    attachments = MultipleFileField(
        label=_("Files (PDF, images, Office documents; at most 5 files, 10 MB)"),
        required=False,
    )


class ReplyForm(PostForm):
    body = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 2}))


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (members do not see this)"), max_length=300, required=False
    )


class NotifyForm(forms.Form):
    notify = forms.ChoiceField(
        label=_("Email about new posts"), choices=GroupMember.Notify, widget=forms.RadioSelect
    )


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "description", "rule", "event"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"event": _("Event (for the rule)")}

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        events = Event.objects.filter(organisation=organisation).order_by("-starts_at")
        self.fields["event"].queryset = events  # type: ignore[attr-defined]
        self.fields["event"].required = False

    def clean(self):
        data = super().clean() or {}
        if data.get("rule") == Group.Rule.EVENT and not data.get("event"):
            self.add_error("event", _("Choose the event whose volunteers are in the group."))
        return data


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Email of a person with an account"), required=False)
    user = forms.ModelChoiceField(
        label=_("Or choose one of the organisation's members"),
        queryset=User.objects.none(),
        required=False,
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(
            organisation=organisation, status=Membership.Status.ACTIVE
        ).values("user_id")
        self.fields["user"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=members, is_active=True
        ).order_by("full_name")

    def clean(self):
        data = super().clean() or {}
        if not data.get("email") and not data.get("user"):
            raise forms.ValidationError(_("Write an email address or choose a member."))
        return data
