"""Helpers shared by the app's pages: layout, checks beside claims, charts. No maths here."""
