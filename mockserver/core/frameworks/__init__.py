"""How each provider's web framework treats what a client sends, in one place per framework.

A provider names its framework (`Provider.framework`); the app applies the framework's path
rules before routing (core/frameworks/paths.py) and the provider's views read parameters
through the framework's module (`rails.params()`, `laravel.input()`), so a Rails habit such as
a trailing slash or a repeated form field behaves the same on every route of that provider,
never as a special case in one view.
"""

from __future__ import annotations

from mockserver.core.frameworks.base import Framework

__all__ = ["Framework"]
