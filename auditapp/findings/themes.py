"""Practice themes: the QA lead's list, the tags auditors and moderators put on audits (as a
strength or a worry), and the counts that let themes inform the service's practice priorities."""

from dataclasses import dataclass, field

from sqlalchemy import delete, distinct, func, select

from auditapp import clock, history
from auditapp.conflicts import check_version, claim_version
from auditapp.errors import RuleError
from auditapp.extensions import db
from auditapp.framework.type_content import awaits_consent
from auditapp.history import record
from auditapp.models import Audit, Case, Cycle, Team, Theme, ThemeTag, User
from auditapp.models.findings import THEME_KINDS
from auditapp.models.sets import case_type_key
from auditapp.months import in_live_cycle, months_before
from auditapp.permissions import Actor, can_manage_themes, can_tag_themes, require

# The list a council usually starts with; the QA lead adds, renames and retires from here.
STARTING_THEMES = ["Chronology", "Domestic abuse", "Drift and delay", "Exploitation", "Fathers and male carers",
                   "Management oversight", "Neglect", "Private fostering", "Voice of the child"]
# Plural by hand: "worries", never "worrys".
TAGGED_AS = {"strength": "strengths", "worry": "worries"}


def active_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).where(Theme.retired_at.is_(None)).order_by(Theme.name)))


def all_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.retired_at.is_not(None), Theme.name)))


def add_theme(actor: Actor, name: str) -> Theme:
    require(can_manage_themes(actor), "Only the QA lead manages the list of themes")
    name = " ".join((name or "").split())
    if not name:
        raise RuleError("Enter the theme's name", "name")
    if db.session.scalar(select(Theme.id).where(func.lower(Theme.name) == name.lower())):
        raise RuleError(f"There is already a theme called {name}", "name")
    theme = Theme(name=name, created_at=clock.now())
    db.session.add(theme)
    db.session.flush()
    record(actor, history.THEME_ADDED, after=name)
    return theme


def set_retired(actor: User, theme: Theme, retired: bool, expected_version: int | None = None) -> None:
    """A retired theme is offered no more but keeps its tags and counts; themes are never deleted."""
    require(can_manage_themes(actor), "Only the QA lead manages the list of themes")
    check_version(theme.version, expected_version, f"The theme {theme.name}")
    if retired == (theme.retired_at is not None):
        return
    claim_version(theme, "version", f"The theme {theme.name}")
    theme.retired_at = clock.now() if retired else None
    record(actor, history.THEME_RETIRED if retired else history.THEME_BROUGHT_BACK, after=theme.name)
    db.session.flush()


def tags_of(audit: Audit, role: str) -> dict[str, set[int]]:
    """kind -> theme ids tagged by this role on this audit."""
    found: dict[str, set[int]] = {kind: set() for kind in THEME_KINDS}
    for theme_id, kind in db.session.execute(select(ThemeTag.theme_id, ThemeTag.kind)
                                             .where(ThemeTag.audit_id == audit.id, ThemeTag.role == role)):
        found[kind].add(theme_id)
    return found


def named_tags(audit: Audit) -> dict[str, dict[str, list[str]]]:
    """role -> kind -> theme names, for the audit's page (which shows each role as its reader may)."""
    found: dict[str, dict[str, list[str]]] = {}
    for role, kind, name in db.session.execute(
            select(ThemeTag.role, ThemeTag.kind, Theme.name).join(Theme, Theme.id == ThemeTag.theme_id)
            .where(ThemeTag.audit_id == audit.id).order_by(Theme.name)):
        found.setdefault(role, {k: [] for k in THEME_KINDS})[kind].append(name)
    return found


def tags_version(audit: Audit, role: str) -> int:
    return getattr(audit, TAG_VERSIONS[role])


TAG_VERSIONS = {"A": "tags_version_a", "B": "tags_version_b", "M": "tags_version_m"}


CONSENT_FIRST = ("Record the family's consent on the audit form first: nothing else about this audit is "
                 "recorded before it")


def save_tags(actor: User, audit: Audit, role: str, chosen: dict[str, set[int]],
              expected_version: int | None = None) -> None:
    """Replace this role's tags with `chosen` (kind -> theme ids). Retired themes already tagged stay."""
    require(can_tag_themes(actor, audit, role), "You cannot tag themes on this audit now")
    if awaits_consent(audit):
        raise RuleError(CONSENT_FIRST)
    check_version(tags_version(audit, role), expected_version, "The themes of this audit")
    themes = all_themes()
    active = {t.id for t in themes if t.retired_at is None}
    before = tags_of(audit, role)
    changed = False
    for kind in THEME_KINDS:
        wanted = {i for i in chosen.get(kind, set()) if i in active} | (before[kind] - active)
        if wanted == before[kind]:
            continue
        db.session.execute(delete(ThemeTag).where(ThemeTag.audit_id == audit.id, ThemeTag.role == role,
                                                  ThemeTag.kind == kind))
        db.session.add_all(ThemeTag(audit_id=audit.id, theme_id=i, role=role, kind=kind) for i in sorted(wanted))
        names = ", ".join(t.name for t in themes if t.id in wanted) or "none"
        record(actor, history.themes_tagged(TAGGED_AS[kind]), audit,
               review_role=role if role in ("A", "B") else None, after=names)
        changed = True
    if changed:
        claim_version(audit, TAG_VERSIONS[role], "The themes of this audit")
    db.session.flush()


@dataclass
class ThemeCounts:
    """Audits signed off in each month with a theme tagged (by anyone on the audit), by kind."""

    months: list[str]
    themes: list[tuple[int, str]]  # (id, name): plain values, so a summary holding them can be remembered
    # (theme id, kind, month) -> number of audits
    counts: dict[tuple[int, str, str], int] = field(default_factory=dict)

    def count(self, theme_id: int, kind: str, month: str | None = None) -> int:
        if month:
            return self.counts.get((theme_id, kind, month), 0)
        return sum(self.counts.get((theme_id, kind, m), 0) for m in self.months)

    def total(self, kind: str, month: str | None = None) -> int:
        return sum(self.count(theme_id, kind, month) for theme_id, _ in self.themes)


def theme_counts(month: str, months: int = 12, team: str | None = None, case_type: str | None = None) -> ThemeCounts:
    """Counts for `month` and the months before it, from signed-off audits only, so no auditor's
    tags are counted before both have submitted and the moderator has decided; for one team or
    case type (its label, as the report filters give it) when asked."""
    first = months_before(month, months - 1)
    query = (select(ThemeTag.theme_id, ThemeTag.kind, Cycle.month, func.count(distinct(ThemeTag.audit_id)))
             .join(Audit, Audit.id == ThemeTag.audit_id).join(Cycle, Cycle.id == Audit.cycle_id)
             .where(Cycle.month.between(first, month), Cycle.kind == "random", Audit.signed_off_at.is_not(None),
                    Audit.withdrawn_at.is_(None), in_live_cycle())
             .group_by(ThemeTag.theme_id, ThemeTag.kind, Cycle.month))
    if team or case_type:
        query = query.join(Case, Case.id == Audit.case_id)
    if team:
        query = query.join(Team, Team.id == Case.team_id).where(Team.name == team)
    if case_type:
        query = query.where(Case.case_type == case_type_key(case_type))
    counts = {(theme_id, kind, m): n for theme_id, kind, m, n in db.session.execute(query)}
    used = {theme_id for theme_id, _, _ in counts}
    themes = [(t.id, t.name) for t in all_themes() if t.retired_at is None or t.id in used]
    return ThemeCounts([months_before(month, n) for n in range(months - 1, -1, -1)], themes, counts)


def audits_tagged(theme_id: int, kind: str, month: str, months: int = 1) -> list[int]:
    """The signed-off audits behind a count: for the drill-down."""
    first = months_before(month, months - 1)
    return list(db.session.scalars(
        select(ThemeTag.audit_id).distinct().join(Audit, Audit.id == ThemeTag.audit_id)
        .join(Cycle, Cycle.id == Audit.cycle_id)
        .where(ThemeTag.theme_id == theme_id, ThemeTag.kind == kind, Cycle.month.between(first, month),
               Cycle.kind == "random",
               Audit.signed_off_at.is_not(None), Audit.withdrawn_at.is_(None), in_live_cycle())))
