"""Each role's start page: what to do next, as a task list with counts and links.

One module per role builds that role's section (`apprentice`, `employer`, `staff`, `admin`); the home view
shows every section the signed-in person's roles call for, in that order. Each module reads through the
scoped selectors only and answers a plain dict for its template (`templates/core/start/_<role>.html`).
"""
