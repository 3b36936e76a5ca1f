"""`make zephyr`: the firmware built against a real Zephyr workspace, run under emulation.

Not a user command: the check that the application builds, boots with a model, computes what
`west replay` computes, takes a model update and rolls back a bad one (docs/zephyr-workspace.md).
"""
