"""Assessing a fitted model: metrics and plots, explanations, group fairness."""
