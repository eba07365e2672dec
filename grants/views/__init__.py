"""The pages of grants, one module per audience: `public` (visitors), `ideas` (writing and
editing an idea), `idea_page` (an idea for its makers), `pilot` (the closing report), `agent` (the
queue and the decisions), `money` (payments and the finance export), `files` (attachments).
What a person types before sending it waits in their session: `session_drafts`."""
