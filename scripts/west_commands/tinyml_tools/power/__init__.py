"""`west power`: energy per inference and window, battery life, and what dominates."""
