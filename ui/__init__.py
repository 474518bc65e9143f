"""Streamlit-side helpers shared by app.py and the pages (the library stays Streamlit-free)."""
