//! Integration tests: the simulated org driven over HTTP.
