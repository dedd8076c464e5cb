from django.dispatch import Signal

# Sent (with `directive`) after a directive is put in force, once the transaction commits.
# Apps above `directives` (reports: its periods) listen here instead of being called.
directive_published = Signal()

# Sent (with `directive`) after a directive in force changes its reporting schedule
# (schedule, reporting dates, lock days), once the transaction commits.
schedule_changed = Signal()
