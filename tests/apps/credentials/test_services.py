"""Issuing, checking and withdrawing Frida's record; an independent verifier agrees."""

import copy
import hashlib
import json

import pytest
from django_tenants.utils import tenant_context
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from apps.credentials import signing
from apps.credentials.models import IssuedRecord
from apps.credentials.services import RecordRefused, record_issue, record_revoke, record_verify

pytestmark = pytest.mark.django_db

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def jcs_by_hand(value) -> bytes:
    """RFC 8785 for documents of strings, integers, booleans, lists and objects whose keys
    are ASCII (ours: hours are decimal text, never floats): keys sorted, no whitespace,
    UTF-8, the JSON escapes of RFC 8785 section 3.2.2.2 (which json.dumps also uses)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def b58_by_hand(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _B58.index(char)
    return number.to_bytes(64, "big")


def independently_valid(document: dict, public_key_b64url: str) -> bool:
    """eddsa-jcs-2022 checked with PyNaCl (libsodium) over JCS bytes made by hand."""
    proof = dict(document["proof"])
    value = proof.pop("proofValue")
    unsigned = {key: item for key, item in document.items() if key != "proof"}
    data = (
        hashlib.sha256(jcs_by_hand(proof)).digest() + hashlib.sha256(jcs_by_hand(unsigned)).digest()
    )
    raw_key = signing.b64url_decode(public_key_b64url)
    try:
        VerifyKey(raw_key).verify(data, b58_by_hand(value[1:]))
    except BadSignatureError:
        return False
    return True


def test_it_issues_only_the_chosen_parts(frida, fridas_history):
    record = record_issue(holder=frida, keys=[fridas_history["hours"]])
    subject = record.credential["credentialSubject"]
    assert subject["hours"] == [{"organisation": "Nyborg Roklub", "hours": "6.00", "shifts": 2}]
    assert "roles" not in subject and "onboarding" not in subject
    assert record.credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert record.credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"


def test_it_refuses_parts_that_are_not_the_holders(frida, bo, fridas_history):
    with pytest.raises(RecordRefused):
        record_issue(holder=bo, keys=[fridas_history["hours"]])
    with pytest.raises(RecordRefused):
        record_issue(holder=frida, keys=[fridas_history["hours"], "hours:999999"])
    assert not IssuedRecord.objects.exists()


def test_it_verifies_a_record_and_an_independent_verifier_agrees(frida, fridas_history):
    record = record_issue(holder=frida, keys=list(fridas_history.values()))
    document = json.loads(json.dumps(record.credential))  # as a file on the way
    assert record_verify(document=document).code == "genuine"
    assert jcs_by_hand(document) == signing.canonical(document)
    assert independently_valid(document, signing.signing_key().public_key)


def test_it_fails_a_changed_byte(frida, fridas_history):
    record = record_issue(holder=frida, keys=[fridas_history["hours"], fridas_history["role"]])
    text = json.dumps(record.credential)
    changed = json.loads(text.replace('"6.00"', '"7.00"'))
    assert changed != record.credential
    verdict = record_verify(document=changed)
    assert (verdict.genuine, verdict.code) == (False, "signature")
    assert not independently_valid(changed, signing.signing_key().public_key)
    # One byte of the signature itself.
    tampered = copy.deepcopy(record.credential)
    value = tampered["proof"]["proofValue"]
    tampered["proof"]["proofValue"] = value[:-1] + ("2" if value[-1] != "2" else "3")
    assert not record_verify(document=tampered).genuine


def test_it_fails_a_withdrawn_record_and_withdrawing_twice_is_once(frida, fridas_history):
    record = record_issue(holder=frida, keys=[fridas_history["hours"]])
    first = record_revoke(holder=frida, record_id=record.pk).revoked_at
    assert record_revoke(holder=frida, record_id=record.pk).revoked_at == first
    verdict = record_verify(document=record.credential)
    assert (verdict.genuine, verdict.code) == (False, "withdrawn")


def test_it_lets_no_one_else_withdraw(frida, bo, fridas_history):
    record = record_issue(holder=frida, keys=[fridas_history["hours"]])
    with pytest.raises(IssuedRecord.DoesNotExist):
        record_revoke(holder=bo, record_id=record.pk)


def test_it_fails_a_record_checked_in_another_tenant(frida, fridas_history, aarhus):
    record = record_issue(holder=frida, keys=[fridas_history["hours"]])
    nyborg_key = signing.signing_key().public_key
    with tenant_context(aarhus):
        assert record_verify(document=record.credential).code == "unknown"
        aarhus_key = signing.signing_key().public_key
    assert aarhus_key != nyborg_key
    assert not independently_valid(record.credential, aarhus_key)
    assert not signing.signature_valid(record.credential, public_key=aarhus_key)


def test_it_stores_the_private_key_encrypted(frida, fridas_history):
    record_issue(holder=frida, keys=[fridas_history["hours"]])
    key = signing.signing_key()
    assert key.private_key_encrypted.startswith("gAAAAA")  # a Fernet token
    assert signing.signing_key().pk == key.pk


def test_it_deletes_fridas_records_when_she_is_erased(frida, nanna, fridas_history):
    from apps.privacy.services.erasure import person_erase

    record = record_issue(holder=frida, keys=[fridas_history["hours"]])
    result = person_erase(actor=nanna, user=frida, reason="asked")
    assert not IssuedRecord.objects.exists()
    assert result.counts["credentials_deleted"] == 1
    assert not record_verify(document=record.credential).genuine
