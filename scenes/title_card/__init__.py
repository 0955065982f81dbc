"""The title card: the lecture's first clip (``script.py``: the scene, bound to the registry's
title entry). Importing the script binds it (contract.sequences: ``scenes.title_card.script``)."""
