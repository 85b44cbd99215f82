//! Tickets, events, state-transition rules and the `TicketBackend` port.
//!
//! This crate is pure: it never touches the file system, the clock or the environment.
//! Time and new ids are passed in through the `Clock` port.
