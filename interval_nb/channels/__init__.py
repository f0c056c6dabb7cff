"""Where a run is shown and where its answers come from.

- :mod:`.widget`   – the RunView widget (notebook output, Lab panel, Voilà page)
- :mod:`.notebook` – starting runs from a cell and re-displaying them
- :mod:`.launcher` – a launcher widget with one card per action
"""
