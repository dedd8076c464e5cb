from . import permissions


def roles(request):
    """The signed-in user's roles, for menus; computed only when a template asks."""
    return {"roles": lambda: permissions.roles_of(request.user)}
