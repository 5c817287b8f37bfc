"""One module per conversation capability; each exposes small `Turn → messages` functions.

`turn` holds the types every handler uses; `router` holds the tables that wire them (and is the
only module that imports the handlers)."""
