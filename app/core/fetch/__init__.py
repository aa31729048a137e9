"""The fetch cycle: a pure plan of what to retrieve and delete, and the engine that carries it out."""

from app.core.fetch.engine import FetchObserver, fetch_account
from app.core.fetch.plan import FetchPlan, ServerMessage, plan

__all__ = ["FetchObserver", "FetchPlan", "ServerMessage", "fetch_account", "plan"]
