"""Company segments (MA-105, MA-106, MA-107 for companies): companies from a table into a segment."""

from ui import sync_page

sync_page.render("companies")
