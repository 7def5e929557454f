"""Path parameters that leave room for their literal siblings.

`/credentials/<id>` beside `/credentials/search` makes `PUT /credentials/search` an update of a
credential called "search", and OPTIONS lists both routes' methods. A parameter that refuses the
sibling words keeps each path's methods its own: the contracts' 405s and Allow headers hold.
"""

from __future__ import annotations

import re

from flask import Blueprint
from werkzeug.routing import BaseConverter


def segment_except(blueprint: Blueprint, name: str, *words: str) -> None:
    """Register converter `name`: one path segment, but not any of `words`."""
    alternatives = "|".join(re.escape(word) for word in words)
    converter = type(
        f"SegmentExcept_{name}",
        (BaseConverter,),
        {"regex": rf"(?!(?:{alternatives})(?:/|$|\.))[^/]+?"},
    )
    blueprint.record_once(lambda state: state.app.url_map.converters.update({name: converter}))
