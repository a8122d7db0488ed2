"""A company as the support team sees it: its name and its ALC and SLA contracts on one page."""
