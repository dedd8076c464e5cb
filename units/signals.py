from django.dispatch import Signal

# Sent (with `directive_id` and `unit_ids`, either None for every one) inside the
# transaction of a change to what is expected of units: assignments given or taken back,
# a task done, periods made or moved. The counting engine (reports.figures.kept) counts
# those units again; apps below it announce such a change here instead of calling it.
figures_stale = Signal()
