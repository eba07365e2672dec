"""An idea's attachments: added and removed by its makers, served only to those who may read it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import AttachmentForm
from .base import agent_may_read, load_idea, owned_idea, owned_part
from .idea_page import part_add


@login_required
@require_POST
def attachment_add(request, idea_id: int):
    idea = owned_idea(request, idea_id)
    return part_add(
        request,
        idea,
        AttachmentForm(request.POST, request.FILES),
        lambda data: services.attachment_add(idea=idea, by=request.user, uploaded=data["file"]),
        form_name="attachment_form",
        success=_("The file is added."),
    )


@login_required
def attachment_download(request, idea_id: int, attachment_id: int):
    """Files are served only to those who may see the idea, never from a public folder."""
    idea = load_idea(idea_id)
    allowed = selectors.idea_is_owned_by(idea=idea, user=request.user) or agent_may_read(
        request.user, idea
    )
    if not allowed:
        raise PermissionDenied
    attachment = idea.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.download_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def attachment_remove(request, idea_id: int, attachment_id: int):
    idea, attachment = owned_part(request, idea_id, "attachments", attachment_id)
    services.attachment_remove(attachment=attachment, by=request.user)
    return redirect("grants:idea", idea.pk)
