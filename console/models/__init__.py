"""Qt item models: fed rows by services (``set_rows``), never touching the database."""
