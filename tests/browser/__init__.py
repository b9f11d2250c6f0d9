"""Real-browser tests: headless Chromium against the real server (run.py)."""
