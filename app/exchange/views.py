"""Pages of the exchange (liên thông): one blueprint `exchange` made of its parts — the agency directory, the peer
systems, the outbox — each in its own `<part>_views.py`, registered here as nested blueprints."""

from flask import Blueprint

from app.exchange import directory_views, outbox_views, peers_views

bp = Blueprint("exchange", __name__, template_folder="templates")
bp.register_blueprint(directory_views.bp)
bp.register_blueprint(peers_views.bp)
bp.register_blueprint(outbox_views.bp)
