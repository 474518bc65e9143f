"""Match insights (issue 15): funnel of an upload, identifier mix against match rate, campaign usage, overlap."""

from ui import insights_page

insights_page.render()
