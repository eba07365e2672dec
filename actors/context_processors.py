from . import roles


def roles_context(request):
    user = request.user
    return {
        "user_is_agent": roles.is_agent(user),
        "user_can_view_dashboard": roles.can_view_dashboard(user),
        "user_can_pay": roles.can_pay(user),
        "user_can_view_reports": roles.can_view_reports(user),
        "user_can_manage_programme": roles.can_manage_programme(user),
    }
