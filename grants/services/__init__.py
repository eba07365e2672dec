"""Every write of the grants app, one module per sub-domain: `ideas` (writing and sending),
`decisions` (the agent's approvals and declines), `money` (payments), `pilots` (after the grant:
the closing report), `search` (search terms); `notifications`, `reminders` (the reminder sweep)
and `retention` (old drafts). Each verb runs in one transaction, checks the workflow table,
writes its audit row and enqueues its side effects after commit."""

from .base import (
    BudgetExceeded,
    DuplicateSubmission,
)
from .city_decisions import (
    city_decision_record,
    decision_follow_ups,
)
from .decisions import (
    actor_introduce,
    idea_answer,
    idea_approve,
    idea_ask_info,
    idea_decline,
    idea_discard_spam,
    idea_release,
    ideas_approve_bulk,
)
from .ideas import (
    ATTACHABLE_STATUSES,
    CLAIM_CODE_ALPHABET,
    attachment_add,
    attachment_remove,
    budget_line_add,
    budget_line_remove,
    drafts_delete,
    idea_claim,
    idea_create,
    idea_create_assisted,
    idea_submit,
    idea_update,
    idea_withdraw,
    message_post,
)
from .money import (
    grant_mark_paid,
)
from .pilots import (
    advance_pilots_by_date,
    closing_report_return,
    closing_report_submit,
    idea_close,
    idea_request_report,
    idea_start,
    lesson_tag,
)
from .search import (
    embeddings_sweep,
    idea_embed,
    idea_index_terms,
    term_stats_refresh,
)
from .themes import (
    proposal_accept,
    proposal_group_accept,
    theme_create,
    theme_proposals_refresh,
    theme_rename,
    theme_retire,
    themes_merge,
)

__all__ = [
    "ATTACHABLE_STATUSES",
    "BudgetExceeded",
    "CLAIM_CODE_ALPHABET",
    "DuplicateSubmission",
    "actor_introduce",
    "city_decision_record",
    "decision_follow_ups",
    "advance_pilots_by_date",
    "attachment_add",
    "attachment_remove",
    "budget_line_add",
    "budget_line_remove",
    "closing_report_return",
    "closing_report_submit",
    "drafts_delete",
    "grant_mark_paid",
    "idea_answer",
    "idea_approve",
    "idea_ask_info",
    "idea_claim",
    "idea_close",
    "idea_create",
    "idea_create_assisted",
    "idea_decline",
    "idea_discard_spam",
    "embeddings_sweep",
    "idea_embed",
    "idea_index_terms",
    "idea_release",
    "idea_request_report",
    "idea_start",
    "idea_submit",
    "idea_update",
    "idea_withdraw",
    "ideas_approve_bulk",
    "lesson_tag",
    "message_post",
    "term_stats_refresh",
    "proposal_accept",
    "proposal_group_accept",
    "theme_create",
    "theme_proposals_refresh",
    "theme_rename",
    "theme_retire",
    "themes_merge",
]
