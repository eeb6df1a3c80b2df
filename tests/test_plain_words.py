"""Plain words a council reads (issue 18): history entries name what they are about, the grade
descriptors are known by the date they were published, the child is asked their own questions, and
no page, read as each role, shows identifiers, month codes or stored values."""

import re
from html.parser import HTMLParser

from builders import confirmed_action, ready_for_moderation, sampled_month, sign_in, signed_off_audit, tagged
from test_query_counts import build_history, pages

from auditapp.extensions import db
from auditapp.findings.themes import add_theme


class _VisibleText(HTMLParser):
    """The words a reader sees: the page's text without its scripts, styles and markup."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    reader = _VisibleText()
    reader.feed(html)
    return re.sub(r"\s+", " ", " ".join(reader.parts))


def test_history_entries_name_the_action_not_its_number(world, as_user):
    audit = ready_for_moderation(sampled_month("2026-11", per_team=1)[0])
    action = confirmed_action(audit, audit.auditor_a, "Speak with the father about the plan and record his views")
    db.session.commit()
    for url in (f"/audits/{audit.id}", f"/actions/{action.id}"):
        page = visible_text(as_user(world.qa_lead).get(url).get_data(as_text=True))
        assert "Action added: Action: Speak with the father about the plan and record his views" in page, url
        assert f"action {action.id}" not in page, url


def test_sign_in_entries_do_not_show_their_field(world, as_user):
    page = visible_text(as_user(world.qa_lead).get("/people/activity").get_data(as_text=True))
    assert "Signed in" in page and "Signed in: sign-in" not in page


def test_the_descriptors_are_known_by_the_date_they_were_published(world, as_user):
    audit = signed_off_audit(sampled_month("2026-11", per_team=1)[0])
    db.session.commit()
    page = visible_text(as_user(world.qa_lead).get(f"/audits/{audit.id}").get_data(as_text=True))
    assert "against the grade descriptors published 22 November 2026" in page
    assert "2026.1" not in page


def test_the_child_is_asked_their_own_questions(world, as_user):
    audit = sampled_month("2026-11", per_team=1)[0]
    db.session.commit()
    page = as_user(audit.auditor_b).get(f"/audits/{audit.id}/family/feedback").get_data(as_text=True)
    child = visible_text(page.split("Child or young person</h2>", 1)[1])
    assert "Did your worker listen to you?" in child and "Has anything got better for you?" in child
    assert "your child" not in child and "What would you change?" in child
    parent = visible_text(page.split("Parent or carer</h2>", 1)[1].split("Child or young person</h2>")[0])
    assert "Did the worker listen to you and your child?" in parent


def test_worries_and_key_issues_read_as_words_in_the_history(world, as_user):
    theme = add_theme(world.qa_lead, "Neglect")
    audit = ready_for_moderation(sampled_month("2026-11", per_team=1)[0])
    tagged(audit, "M", worries=[theme])
    signed_off_audit(audit)
    db.session.commit()
    page = visible_text(as_user(world.qa_lead).get(f"/audits/{audit.id}").get_data(as_text=True))
    assert "Themes tagged as worries" in page and "worrys" not in page
    assert "Auditor B identified the key issues Partly" in page and " partly " not in page


def test_no_page_read_as_each_role_shows_identifiers_or_month_codes(app):
    """Every page of the statement-count test, as the person it is for: QA lead, auditors A and B,
    moderator, senior managers, action owners and the leadership reader."""
    history = build_history(1)
    found = {}
    for endpoint, requests in pages(history).items():
        for user, url in requests:
            response = sign_in(app.test_client(), user).get(url)
            if "text/html" not in response.content_type:
                continue
            text = visible_text(response.get_data(as_text=True))
            for code in (r"\b[a-z]+_[a-z_]+\b", r"\b20\d\d-(0[1-9]|1[0-2])\b", r"YYYY", r"(?i)\bcycles?\b",
                         r"\bseed\b", r"\baction \d+\b", r"\bworrys\b"):
                for match in re.finditer(code, text):
                    found.setdefault(endpoint, []).append(text[max(0, match.start() - 40):match.end() + 20])
    assert found == {}
