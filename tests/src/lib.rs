//! End-to-end tests of sockdiag against the running kernel live in tests/.
