from django.contrib import admin

from apps.evaluations.models import EvaluationRule, Question, Questionnaire


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "is_anonymous", "is_active"]
    inlines = [QuestionInline]


@admin.register(EvaluationRule)
class EvaluationRuleAdmin(admin.ModelAdmin):
    list_display = ["questionnaire", "event", "task", "delay_hours", "is_active"]
    raw_id_fields = ["event", "task", "created_by"]
