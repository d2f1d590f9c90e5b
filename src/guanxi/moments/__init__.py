"""Moments: posts to chosen friends, with likes and comments seen under WeChat's rule."""
