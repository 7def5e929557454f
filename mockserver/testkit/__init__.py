"""The parts of `mockserver.testing` (the sandbox for test code): typed answers of the control
plane, the servers a sandbox runs on, and per-provider actions."""
