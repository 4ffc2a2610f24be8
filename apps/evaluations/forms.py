from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.evaluations.models import Question, Questionnaire
from apps.organisations.models import Organisation
from apps.shifts.models import Task

SCALE_LABELS = {
    1: _("Very poor"),
    2: _("Poor"),
    3: _("Neither good nor poor"),
    4: _("Good"),
    5: _("Very good"),
}


class QuestionnaireForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("The whole municipality"),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the questions."),
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous answers"),
        required=False,
        help_text=_("Answers are stored without the name of the person who gave them."),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation] | None = None,
        tenant_wide: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            # Editing: the owner does not change.
            del self.fields["organisation"]
            return
        del self.fields["is_active"]
        field = self.fields["organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        field.required = not tenant_wide


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=300)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for choice questions: one choice a line."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)

    def clean_choices(self) -> list[str]:
        lines = self.cleaned_data["choices"].splitlines()
        return [line.strip()[:200] for line in lines if line.strip()]


class RuleForm(forms.Form):
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire"), queryset=Questionnaire.objects.none()
    )
    task = forms.ModelChoiceField(
        label=_("Task"),
        queryset=Task.objects.none(),
        required=False,
        empty_label=_("Every task of the event"),
    )
    delay_hours = forms.IntegerField(
        label=_("Hours after the shift ends"),
        min_value=0,
        max_value=336,
        initial=2,
        help_text=_("The mail goes to everyone marked present or late on the shift."),
    )

    def __init__(
        self,
        *args: Any,
        questionnaires: QuerySet[Questionnaire],
        tasks: QuerySet[Task],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = questionnaires  # type: ignore[attr-defined]
        self.fields["task"].queryset = tasks  # type: ignore[attr-defined]


def _field_name(question: Question) -> str:
    return f"q{question.pk}"


class AnswerForm(forms.Form):
    """One field per question; radio buttons for scales and choices."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        required_message = _("Please answer this question.")
        for question in questions:
            field: forms.Field
            if question.kind == Question.Kind.SCALE:
                field = forms.TypedChoiceField(
                    coerce=int,
                    empty_value=None,
                    choices=[
                        (value, f"{value} – {label}") for value, label in SCALE_LABELS.items()
                    ],
                    widget=forms.RadioSelect,
                    error_messages={"invalid_choice": _("Choose a number from 1 to 5.")},
                )
            elif question.kind == Question.Kind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(choice, choice) for choice in question.choices],
                    widget=forms.RadioSelect,
                    error_messages={"invalid_choice": _("Choose one of the choices.")},
                )
            else:
                field = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
            field.label = question.text
            field.required = question.required
            field.error_messages["required"] = required_message
            self.fields[_field_name(question)] = field

    def answers(self) -> dict[int, object]:
        return {
            question.pk: self.cleaned_data.get(_field_name(question)) for question in self.questions
        }
