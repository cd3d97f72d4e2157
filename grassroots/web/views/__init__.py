"""The pages, one module per area; each module lists its own ``urlpatterns`` (see ``web/urls.py``).

Views are thin (docs/architecture.md): they read through the scoping functions (``*.access``),
write through the actions, and render. Something the user may not read is "not found" (404),
like something that does not exist.
"""
