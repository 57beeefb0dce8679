"""Certificates: issued with the claim, frozen, verifiable by anyone, revocable and reissuable."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from pypdf import PdfReader
from sqlalchemy import select, update

from quizapp.authoring.services import sync_content
from quizapp.config import ConfigurationError
from quizapp.db import Database
from quizapp.models import AuditEvent, Base, Certificate, User
from tests.conftest import FROZEN_NOW, NOW, SAMPLE_CONTENT, AuthActions, make_app
from tests.images import image_bytes
from tests.learner_helpers import (
    IMATINIB,
    METHOTREXATE,
    claim,
    evaluate,
    pass_methotrexate,
    profile_form,
    take,
    variant,
)
from tests.pdf_text import pdftotext
from tests.staff_helpers import sign_in_as

ADMIN = "boss@example.org"


def earn(auth: AuthActions, client: FlaskClient, *, name: str = "Ann Lee", degree: str = "MD",
         slug: str = IMATINIB, credit: str = "ama-pra-1") -> str:  # fmt: skip
    auth.register(full_name=name, degree=degree)
    take(client, right=3, slug=slug)
    assert evaluate(auth, slug).status_code == 302
    assert claim(auth, {credit: "1.0"}, slug=slug).status_code == 302
    transcript = client.get("/my/transcript").get_data(as_text=True)
    match = re.search(r"/certificates/([A-Za-z0-9_-]+)\.pdf", transcript)
    assert match, transcript
    return match.group(1)


def pdf_text(data: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def cjk_compact(text: str) -> str:
    """pypdf reads glyphs of the CJK fallback font with a NUL or a space before each one."""
    text = text.replace("\x00", "")
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", text)


def certificate_rows(db: Database) -> list[Certificate]:
    with db.read_session() as session:
        return list(session.scalars(select(Certificate).order_by(Certificate.id)))


def admin_client(app: Flask, db: Database) -> AuthActions:
    return sign_in_as(app, db, "admin", ADMIN)


def test_a_claim_issues_a_certificate_at_once_with_a_100_bit_code_a_clerk_can_type(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database
) -> None:
    code = earn(auth, client)
    [row] = certificate_rows(db)
    assert row.status == "issued" and row.code == code
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}", code)
    with db.read_session() as session:
        assert session.scalar(
            select(AuditEvent.action).where(AuditEvent.action == "certificate.issue")
        )


def test_the_pdf_carries_every_required_field(
    synced: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    code = earn(auth, client, name="Zoë Ñúñez-Øster")
    response = client.get(f"/certificates/{code}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in (
        "Certificate of Completion",
        "Zoë Ñúñez-Øster, MD",
        "Meridian Oncology Education Institute",
        "Reversible Bone Marrow Edema During Adjuvant Imatinib for",
        "Journal-based CME",
        "January 15, 2027",
        "1.0 AMA PRA Category 1 Credit™",
        "designates this journal-based CME activity for a maximum of 1.0",
        "Physicians should claim only the credit commensurate",
        "is accredited by the Accreditation Council for Continuing Medical Education",
        f"Verification code: {code}",
        f"/verify/{code}",
    ):
        assert expected in text, expected


def test_the_acpe_certificate_carries_the_activity_s_uan(
    synced: Flask, auth: AuthActions, client: FlaskClient, app: Flask
) -> None:
    """A board of pharmacy checks a statement of credit by its Universal Activity Number."""
    auth.register(full_name="Priya Raman", degree="PharmD")
    auth.post_form(
        "/account",
        profile_form(
            full_name="Priya Raman",
            degree="PharmD",
            nabp_eprofile_id="1234567",
            birth_month="9",
            birth_day="10",
        ),
    )
    pass_methotrexate(client)
    assert evaluate(auth, METHOTREXATE).status_code == 302
    assert claim(auth, {"acpe": "0.5"}, slug=METHOTREXATE).status_code == 302
    transcript = client.get("/my/transcript").get_data(as_text=True)
    match = re.search(r"/certificates/([A-Za-z0-9_-]+)\.pdf", transcript)
    assert match
    text = pdftotext(client.get(f"/certificates/{match.group(1)}.pdf").data)
    assert "Priya Raman, PharmD" in text
    assert "0.5 ACPE pharmacy contact hours" in text
    assert (
        "ACPE Universal Activity Number (UAN) 0798-9999-26-014-H05-P: 0.5 contact hours "
        "(0.05 CEU)" in text
    )
    verify = app.test_client().get(f"/verify/{match.group(1)}").get_data(as_text=True)
    assert "0.5 ACPE pharmacy contact hours (UAN 0798-9999-26-014-H05-P)" in verify


@pytest.mark.parametrize("name", ["李小龙", "王堃", "Ἀριστοτέλης", "Zoë Ñúñez-Øster"])
def test_names_in_any_script_print_on_the_certificate(
    synced: Flask, auth: AuthActions, client: FlaskClient, name: str
) -> None:
    code = earn(auth, client, name=name)
    assert name in cjk_compact(pdf_text(client.get(f"/certificates/{code}.pdf").data))


def test_a_name_stored_before_forms_refused_unprintable_characters_prints_them_visibly(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database
) -> None:
    """The forms now refuse a name with a character no certificate font has; one stored
    before prints U+FFFD in its place, where fpdf2 would have left a silent gap."""
    auth.register(full_name="Ann Lee")
    with db.transaction() as session:
        session.execute(update(User).values(full_name="Ann 🙂 Lee"))
    take(client, right=3)
    assert evaluate(auth, IMATINIB).status_code == 302
    assert claim(auth, {"ama-pra-1": "1.0"}).status_code == 302
    [row] = certificate_rows(db)
    text = pdf_text(client.get(f"/certificates/{row.code}.pdf").data)
    assert "Ann \ufffd Lee, MD" in text


def test_other_professions_get_a_certificate_of_participation(
    synced: Flask, auth: AuthActions, client: FlaskClient
) -> None:
    code = earn(auth, client, degree="RN", credit="participation")
    text = pdf_text(client.get(f"/certificates/{code}.pdf").data)
    assert "Certificate of Participation" in text
    assert "does not award AMA PRA Category 1 Credit" in text


def test_the_certificate_is_frozen_against_later_edits_of_profile_and_content(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    import shutil

    from quizapp.authoring.services import sync_content
    from tests.conftest import SAMPLE_CONTENT

    code = earn(auth, client, name="Ann Lee")
    auth.post_form("/account", profile_form(full_name="Ann Lee-Moreau"))
    root = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, root)
    article = root / IMATINIB / "article.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "Reversible Bone Marrow Edema", "Bone Edema", 1
        ),
        encoding="utf-8",
    )
    sync_content(db, root, now=NOW)
    text = pdf_text(client.get(f"/certificates/{code}.pdf").data)
    assert "Ann Lee, MD" in text and "Lee-Moreau" not in text
    assert "Reversible Bone Marrow Edema" in text
    verify = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Ann Lee" in verify and "Lee-Moreau" not in verify


def test_verify_shows_only_name_degree_activity_date_credits_and_status(
    synced: Flask, auth: AuthActions, client: FlaskClient, app: Flask
) -> None:
    code = earn(auth, client, name="Ann Lee")
    anonymous = app.test_client()
    response = anonymous.get(f"/verify/{code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for shown in ("Valid.", "Ann Lee", "<dt>Degree</dt><dd>MD</dd>", "Reversible Bone Marrow Edema",
                  "January 15, 2027", "1.0 AMA PRA Category 1 Credit™"):  # fmt: skip
        assert shown in html
    for hidden in ("ann.lee@example.org", "Score", "attempt"):
        assert hidden not in html


@pytest.mark.parametrize("code", ["no-such-code", "x" * 200, "bad code!", "ü"])
def test_an_unknown_verification_code_is_404(synced: Flask, client: FlaskClient, code: str) -> None:
    assert client.get(f"/verify/{code}").status_code == 404


def recode(db: Database, code: str) -> None:
    """Give the one certificate ``code``, as printed on it, as if it had been issued so."""
    with db.transaction() as session:
        row = session.scalars(select(Certificate)).one()
        row.code = code
        row.snapshot = {**row.snapshot, "code": code}


def test_the_verify_form_is_a_labelled_field_anyone_can_use(
    synced: Flask, client: FlaskClient
) -> None:
    response = client.get("/verify")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<form method="get" action="/verify"' in html
    assert '<label for="code">Verification code</label>' in html
    assert 'id="code" name="code"' in html and "error" not in html


def test_a_code_typed_in_small_letters_with_o_for_zero_and_i_for_one_finds_its_certificate(
    synced: Flask, auth: AuthActions, client: FlaskClient, app: Flask, db: Database
) -> None:
    earn(auth, client)
    recode(db, "7K3QX-M2D9A-0FHRT-W51NE")
    clerk = app.test_client()
    response = clerk.get("/verify", query_string={"code": " 7k3qx m2d9a ofhrt w5ine "})
    assert response.status_code == 303
    assert response.headers["Location"] == "/verify/7K3QX-M2D9A-0FHRT-W51NE"
    page = clerk.get(response.headers["Location"]).get_data(as_text=True)
    assert "Valid." in page and "<dt>Degree</dt><dd>MD</dd>" in page


def test_a_verify_address_written_another_way_goes_to_the_printed_one(
    synced: Flask, auth: AuthActions, client: FlaskClient, app: Flask, db: Database
) -> None:
    earn(auth, client)
    recode(db, "7K3QX-M2D9A-0FHRT-W51NE")
    response = app.test_client().get("/verify/7k3qxm2d9aofhrtw5lne")
    assert response.status_code == 301
    assert response.headers["Location"] == "/verify/7K3QX-M2D9A-0FHRT-W51NE"


def test_a_certificate_issued_with_an_old_code_still_verifies_by_that_code(
    synced: Flask, auth: AuthActions, client: FlaskClient, app: Flask, db: Database
) -> None:
    earn(auth, client)
    old = "q7Rz2LmXo4VtKcB9wN1sJg"
    recode(db, old)
    clerk = app.test_client()
    page = clerk.get(f"/verify/{old}")
    assert page.status_code == 200 and "Valid." in page.get_data(as_text=True)
    typed = clerk.get("/verify", query_string={"code": f" {old} "})
    assert typed.status_code == 303 and typed.headers["Location"] == f"/verify/{old}"
    assert clerk.get(f"/verify/{old.lower()}").status_code == 404
    assert client.get(f"/certificates/{old}.pdf").status_code == 200


def test_an_empty_code_asks_for_the_code(synced: Flask, client: FlaskClient) -> None:
    response = client.get("/verify", query_string={"code": "  "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter the verification code printed on the certificate." in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize("typed", ["7K3QX-M2D9A-0FHRT-W5BNE", "<b>no</b>", "x" * 200])
def test_a_code_that_names_no_certificate_says_what_to_check_and_keeps_what_was_typed(
    synced: Flask, client: FlaskClient, typed: str
) -> None:
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "No certificate has this verification code." in html
    assert "<b>no</b>" not in html
    assert f'value="{escape(typed)}"' in html


@pytest.mark.parametrize(("degree", "credit"), [("MBBS", "ama-pra-1"), ("DPM", "participation")])
def test_a_degree_new_to_the_list_claims_its_credit_and_verify_shows_it_as_printed(
    synced: Flask, auth: AuthActions, client: FlaskClient, app: Flask, degree: str, credit: str
) -> None:
    """An MBBS is a physician's degree for AMA PRA Category 1 Credit™; a podiatrist's DPM
    is not, and earns the certificate of participation."""
    code = earn(auth, client, degree=degree, credit=credit)
    assert f"Ann Lee, {degree}" in pdf_text(client.get(f"/certificates/{code}.pdf").data)
    page = app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert f"<dt>Degree</dt><dd>{degree}</dd>" in page


def test_revocation_shows_on_verify_with_its_date_and_keeps_the_record(
    synced: Flask, auth: AuthActions, client: FlaskClient, app: Flask, db: Database
) -> None:
    code = earn(auth, client)
    [row] = certificate_rows(db)
    admin = admin_client(app, db)
    response = admin.post_form(
        f"/admin/certificates/{row.id}/revoke",
        {"reason": "Attestation could not be confirmed"},
        form_page=f"/admin/learners/{row.user_id}",
    )
    assert response.status_code == 302
    [revoked] = certificate_rows(db)
    assert revoked.status == "revoked" and revoked.snapshot == row.snapshot
    assert revoked.revocation_reason == "Attestation could not be confirmed"
    html = app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert "Revoked" in html and "January 15, 2027" in html
    assert "Attestation could not be confirmed" not in html
    assert client.get(f"/certificates/{code}.pdf").status_code == 404
    admin_pdf = admin.client.get(f"/certificates/{code}.pdf")
    assert "REVOKED on January 15, 2027" in pdf_text(admin_pdf.data)


def test_a_reissue_makes_a_new_certificate_that_supersedes_the_old(
    synced: Flask, auth: AuthActions, client: FlaskClient, app: Flask, db: Database
) -> None:
    old_code = earn(auth, client, name="Ann Lee")
    auth.post_form("/account", profile_form(full_name="Ann Lee-Moreau"))
    [old] = certificate_rows(db)
    admin = admin_client(app, db)
    admin.post_form(f"/admin/certificates/{old.id}/reissue", {}, form_page="/admin/")
    old_row, new_row = certificate_rows(db)
    assert old_row.status == "superseded" and old_row.snapshot == old.snapshot
    assert new_row.status == "issued" and new_row.supersedes_id == old_row.id
    assert new_row.code != old_code
    assert "Ann Lee-Moreau, MD" in pdf_text(client.get(f"/certificates/{new_row.code}.pdf").data)
    verify_old = app.test_client().get(f"/verify/{old_code}").get_data(as_text=True)
    assert "Superseded" in verify_old and f"/verify/{new_row.code}" in verify_old
    assert f"/certificates/{new_row.code}.pdf" in client.get("/my/transcript").get_data(
        as_text=True
    )


def test_another_learner_cannot_download_a_certificate(
    synced: Flask, auth: AuthActions, client: FlaskClient, app: Flask
) -> None:
    code = earn(auth, client)
    other = app.test_client()
    AuthActions(other).register("bob@example.org", full_name="Bob Roe")
    assert other.get(f"/certificates/{code}.pdf").status_code == 404
    assert app.test_client().get(f"/certificates/{code}.pdf").status_code == 302


def test_the_site_may_hold_certificates_for_approval(database_url: str) -> None:
    from quizapp.authoring.services import sync_content
    from quizapp.models import Base
    from tests.conftest import SAMPLE_CONTENT

    app = make_app(database_url, CERTIFICATE_APPROVAL="manual")
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
    try:
        sync_content(database, SAMPLE_CONTENT, now=NOW)
        client = app.test_client()
        auth = AuthActions(client)
        auth.register()
        take(client, right=3)
        evaluate(auth)
        claim(auth, {"ama-pra-1": "1.0"})
        [pending] = certificate_rows(database)
        assert pending.status == "pending" and pending.issued_at is None
        assert "Awaiting approval" in client.get("/my/transcript").get_data(as_text=True)
        assert client.get(f"/certificates/{pending.code}.pdf").status_code == 404
        assert "Pending approval" in app.test_client().get(f"/verify/{pending.code}").get_data(
            as_text=True
        )
        admin = admin_client(app, database)
        admin.post_form(
            f"/admin/certificates/{pending.id}/approve", {}, form_page="/admin/certificates"
        )
        [approved] = certificate_rows(database)
        assert approved.status == "issued" and approved.issued_at is not None
        assert client.get(f"/certificates/{approved.code}.pdf").status_code == 200
    finally:
        database.dispose()


def test_an_activity_may_ask_for_manual_approval(
    synced: Flask, auth: AuthActions, client: FlaskClient, db: Database, tmp_path: Path
) -> None:
    slug = variant(
        tmp_path,
        db,
        "approved-only",
        {"passing_score: 66": "passing_score: 66\ncertificate_approval: manual"},
    )
    earn_pending = auth
    earn_pending.register()
    take(client, right=3, slug=slug)
    evaluate(auth, slug)
    claim(auth, {"ama-pra-1": "1.0"}, slug=slug)
    [row] = certificate_rows(db)
    assert row.status == "pending"


def test_the_frozen_now_is_the_completion_date() -> None:
    assert FROZEN_NOW.startswith("2027-01-15")


def test_the_verification_address_comes_from_site_url_never_from_the_host_header(
    database_url: str,
) -> None:
    app = make_app(database_url, SITE_URL="https://cme.example.org/")
    Base.metadata.create_all(app.extensions["quizapp.db"].engine)
    sync_content(app.extensions["quizapp.db"], SAMPLE_CONTENT, now=NOW)
    client = app.test_client()
    code = earn(AuthActions(client), client)

    signed_in = client.get_cookie("session")
    assert signed_in is not None
    client.set_cookie("session", signed_in.value, domain="evil.example")
    forged = client.get(f"/certificates/{code}.pdf", headers={"Host": "evil.example"})
    assert forged.status_code == 200

    text = pdf_text(forged.data)
    assert f"Verify at https://cme.example.org/verify/{code}" in text
    assert "evil.example" not in text
    assert forged.data == client.get(f"/certificates/{code}.pdf").data
    app.extensions["quizapp.db"].dispose()


@pytest.mark.parametrize(
    "value",
    ["cme.example.org", "ftp://cme.example.org", "https://cme.example.org/cme", "https://",
     "https://cme.example.org/?a=1", "https://user:pw@cme.example.org"],
)  # fmt: skip
def test_a_site_url_that_is_not_a_plain_public_address_stops_start_up(value: str) -> None:
    with pytest.raises(ConfigurationError, match="SITE_URL"):
        make_app("sqlite:////nonexistent/never-opened.sqlite", SITE_URL=value)


def signed_app(database_url: str, folder: Path, **overrides: object) -> Flask:
    """An app whose certificates are signed by the CME director, with the provider's logo."""
    (folder / "signature.png").write_bytes(image_bytes("PNG"))
    (folder / "logo.jpg").write_bytes(image_bytes("JPEG", size=(400, 120)))
    settings: dict[str, object] = {
        "CERTIFICATE_SIGNATORY_NAME": "Samuel Adeyemi, MD, MPH",
        "CERTIFICATE_SIGNATORY_TITLE": "Director of Continuing Medical Education",
        "CERTIFICATE_SIGNATURE_IMAGE": str(folder / "signature.png"),
        "CERTIFICATE_LOGO": str(folder / "logo.jpg"),
        "PROVIDER_CONTACT": "cme@meridian.example.org · +1 312 555 0100",
    }
    return make_app(database_url, **{**settings, **overrides})


def pdf_images(data: bytes) -> int:
    page = PdfReader(io.BytesIO(data)).pages[0]
    return sum(
        1
        for ref in page["/Resources"]["/XObject"].values()
        if ref.get_object()["/Subtype"] == "/Image"
    )


def test_the_signatory_logo_and_contact_of_the_day_are_frozen_into_each_certificate(
    database_url: str, tmp_path: Path
) -> None:
    """A new director signs the certificates issued after the change, not those before."""
    app = signed_app(database_url, tmp_path)
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
    sync_content(database, SAMPLE_CONTENT, now=NOW)
    client = app.test_client()
    code = earn(AuthActions(client), client)
    first = client.get(f"/certificates/{code}.pdf").data
    text = pdftotext(first)
    for printed in (
        "Samuel Adeyemi, MD, MPH",
        "Director of Continuing Medical Education",
        "cme@meridian.example.org · +1 312 555 0100",
    ):
        assert printed in text
    assert pdf_images(first) == 3  # the logo, the signature and the QR code
    database.dispose()

    later_folder = tmp_path / "later"
    later_folder.mkdir()
    later = signed_app(
        database_url,
        later_folder,
        CERTIFICATE_SIGNATORY_NAME="Grace Okafor, PharmD",
        CERTIFICATE_SIGNATORY_TITLE="Chief Learning Officer",
        CERTIFICATE_LOGO="",
        PROVIDER_CONTACT="",
    )
    ann = later.test_client()
    AuthActions(ann).login()
    assert ann.get(f"/certificates/{code}.pdf").data == first

    bob = later.test_client()
    auth = AuthActions(bob)
    auth.register("bob.roe@example.org", full_name="Bob Roe")
    take(bob, right=3)
    assert evaluate(auth).status_code == 302
    assert claim(auth, {"ama-pra-1": "1.0"}).status_code == 302
    newest = certificate_rows(later.extensions["quizapp.db"])[-1]
    issued_later = bob.get(f"/certificates/{newest.code}.pdf").data
    text = pdftotext(issued_later)
    assert "Grace Okafor, PharmD" in text and "Chief Learning Officer" in text
    assert "Samuel Adeyemi" not in text and "cme@meridian.example.org" not in text
    assert pdf_images(issued_later) == 2  # the new signature and the QR code
    later.extensions["quizapp.db"].dispose()


@pytest.mark.parametrize(
    ("setting", "file", "message"),
    [
        ("CERTIFICATE_LOGO", None, r"CERTIFICATE_LOGO: there is no file at .*missing\.png"),
        ("CERTIFICATE_LOGO", b"not an image", r"CERTIFICATE_LOGO: .* is not a PNG or JPEG"),
        ("CERTIFICATE_SIGNATURE_IMAGE", "GIF", r"CERTIFICATE_SIGNATURE_IMAGE: .* is a GIF image"),
        ("CERTIFICATE_SIGNATURE_IMAGE", "PNG-truncated", r"is not a PNG or JPEG image"),
    ],
)
def test_an_image_setting_that_is_not_a_png_or_jpeg_file_stops_start_up(
    tmp_path: Path, setting: str, file: bytes | str | None, message: str
) -> None:
    path = tmp_path / "missing.png"
    if isinstance(file, bytes):
        path.write_bytes(file)
    elif file == "GIF":
        path.write_bytes(image_bytes("GIF"))
    elif file == "PNG-truncated":
        path.write_bytes(image_bytes("PNG")[:200])
    with pytest.raises(ConfigurationError, match=message):
        make_app(
            "sqlite:////nonexistent/never-opened.sqlite",
            CERTIFICATE_SIGNATORY_NAME="Samuel Adeyemi",
            **{setting: str(path)},
        )


def test_a_signature_without_the_signatory_s_name_stops_start_up(tmp_path: Path) -> None:
    (tmp_path / "signature.png").write_bytes(image_bytes("PNG"))
    with pytest.raises(ConfigurationError, match="need CERTIFICATE_SIGNATORY_NAME"):
        make_app(
            "sqlite:////nonexistent/never-opened.sqlite",
            CERTIFICATE_SIGNATURE_IMAGE=str(tmp_path / "signature.png"),
        )


def test_an_activity_s_own_signatory_and_contact_replace_the_site_s(
    database_url: str, tmp_path: Path
) -> None:
    """Another provider's activity: its signatory signs, without the site director's
    signature image; the site's logo stays."""
    app = signed_app(database_url, tmp_path)
    database: Database = app.extensions["quizapp.db"]
    Base.metadata.create_all(database.engine)
    slug = variant(
        tmp_path,
        database,
        "jointly-provided",
        {
            "passing_score: 66": "passing_score: 66\ncertificate_signatory:\n"
            "  name: Grace Okafor, PharmD\n  title: Chief Learning Officer\n"
            "provider_contact: ce@lakemont.example.org"
        },
    )
    client = app.test_client()
    code = earn(AuthActions(client), client, slug=slug)
    pdf = client.get(f"/certificates/{code}.pdf").data
    text = pdftotext(pdf)
    assert "Grace Okafor, PharmD" in text and "Chief Learning Officer" in text
    assert "ce@lakemont.example.org" in text
    assert "Samuel Adeyemi" not in text and "cme@meridian.example.org" not in text
    assert pdf_images(pdf) == 2  # the site's logo and the QR code
    database.dispose()
