"""Sizing a window of its own (a message, its source) to the screen it opens on.

A fixed size runs off the bottom of a laptop screen (1366x768 less the panels), and a layout's
minimum size can push a window past the screen as well: the window gets the size it wants, bounded
by the screen's available geometry (the screen less panels and docks), and is placed inside it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

#: Room left for the window manager's title bar and borders, which the frame adds outside.
FRAME_ALLOWANCE = QSize(16, 48)


def fitted_geometry(wanted: QSize, available: QRect, near: QRect | None = None) -> QRect:
    """A window geometry (client area) of at most ``wanted``, inside ``available``: centred on
    ``near`` (the parent window) when given, else on the screen."""
    room = available.size() - FRAME_ALLOWANCE
    size = wanted.boundedTo(room).expandedTo(QSize(1, 1))
    centre = (near if near is not None and near.isValid() else available).center()
    geometry = QRect(0, 0, size.width(), size.height())
    geometry.moveCenter(centre)
    # Inside the available area, the frame's allowance included (top left first, so a window
    # larger than the room keeps its title bar on screen).
    right_limit = available.right() - FRAME_ALLOWANCE.width() // 2
    bottom_limit = available.bottom() - (FRAME_ALLOWANCE.height() - FRAME_ALLOWANCE.height() // 4)
    geometry.moveRight(min(geometry.right(), right_limit))
    geometry.moveBottom(min(geometry.bottom(), bottom_limit))
    geometry.moveLeft(max(geometry.left(), available.left() + FRAME_ALLOWANCE.width() // 2))
    geometry.moveTop(max(geometry.top(), available.top() + FRAME_ALLOWANCE.height() - FRAME_ALLOWANCE.height() // 4))
    return geometry


def screen_of(window: QWidget) -> QScreen | None:
    parent = window.parentWidget()
    for candidate in (parent.window() if parent is not None else None, window):
        if candidate is not None and candidate.screen() is not None:
            return candidate.screen()
    return QGuiApplication.primaryScreen()


def fit_to_screen(window: QWidget, wanted: QSize) -> None:
    """Give ``window`` (not shown yet) ``wanted`` size, bounded by its screen, placed on it."""
    screen = screen_of(window)
    if screen is None:
        window.resize(wanted)
        return
    parent = window.parentWidget()
    near = parent.window().geometry() if parent is not None else None
    geometry = fitted_geometry(wanted, screen.availableGeometry(), near)
    # A layout's minimum must not push the window past the screen again: an explicit minimum
    # (within the screen) overrides the one the layout would set.
    layout = window.layout()
    needed = layout.totalMinimumSize() if layout is not None else window.minimumSize()
    window.setMinimumSize(needed.boundedTo(geometry.size()))
    window.setGeometry(geometry)


__all__ = ["FRAME_ALLOWANCE", "fit_to_screen", "fitted_geometry"]
