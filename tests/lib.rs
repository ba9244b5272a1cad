//! End-to-end tests across both chains. Each test file here drives the released clients the way a user does.
