"""Every blueprint, in the order they are registered. Kept here so the package's own namespace
(`auditapp.themes`, `auditapp.moderation`: rule modules) is not shadowed by the views' names."""

from auditapp.views import (
    admin,
    assets,
    audit_types,
    audits,
    auth,
    board,
    calibration,
    cases,
    checks,
    cycles,
    descriptors,
    documents,
    families,
    feed,
    findings,
    health,
    home,
    learning,
    moderation,
    replies,
    reports,
    single,
    targeted,
    themes,
    type_reports,
)

BLUEPRINTS = [module.bp for module in (assets, health, auth, home, admin, cases, cycles, audits, checks, moderation,
                                       reports, type_reports, single, board, findings, themes, replies, families,
                                       targeted, feed, descriptors, audit_types, calibration, learning, documents)]
