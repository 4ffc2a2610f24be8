"""Nyborg Roklub's regatta crew has a group. Nanna (system-owner admin) coordinates it;
Frida and Bo are chosen members; Carl is a member of the rowing club but not of the group;
Kim coordinates another association; Anders is in another tenant (VisitAarhus)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.groups.models import Group, Post
from apps.groups.services import group_save, member_add, post_create
from apps.members.models import Membership
from tests.conftest import host_client, signed_in

PDF = b"%PDF-1.4\n% a tiny test file\n"


@pytest.fixture
def crew(nanna, roklub, frida, bo, carl) -> Group:
    Membership.objects.create(user=carl, organisation=roklub, started_on=date(2024, 1, 1))
    group = group_save(
        actor=nanna, organisation=roklub, name="Regattaholdet", description="Til holdet"
    )
    member_add(actor=nanna, group_id=group.pk, email="frida@example.dk")
    member_add(actor=nanna, group_id=group.pk, email="bo@example.dk")
    return group


@pytest.fixture
def bo_post(crew, bo, media) -> Post:
    return post_create(
        actor=bo,
        group_id=crew.pk,
        body="Husk **vanter** til morgenvagten",
        attachments=[SimpleUploadedFile("plan.pdf", PDF, "application/pdf")],
    )


def browser_for(user, nyborg) -> Client:
    return signed_in(host_client("nyborg.localhost"), user, nyborg)


def pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")
