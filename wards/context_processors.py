from wards import access


def roles(request):
    """What the current user may do, for menus and buttons (the views check again)."""
    user = request.user
    return {
        "role": access.role_of(user),
        "can_edit_roster": access.can(user, "edit_roster"),
        "can_edit_plan": access.can(user, "edit_plan"),
        "can_import": access.can(user, "import_roster"),
        "is_admin_role": access.role_of(user) == access.ADMIN,
        "is_district_staff": access.can(user, "view_district"),
    }
