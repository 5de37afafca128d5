"""Plots on screen: a course's progress, and outcomes across the practice."""
