//! Ticket status: the three the format knows, and any other raw value kept as it is.

use crate::vocab::open_vocabulary;

open_vocabulary! {
    /// Where a ticket stands. Only the three known values can be moved to.
    pub enum TicketStatus {
        Open = "open",
        Pending = "pending",
        Closed = "closed",
    }
}

impl TicketStatus {
    /// The statuses a ticket can be moved to, in the order lists show them.
    pub const KNOWN: [TicketStatus; 3] = [Self::Open, Self::Pending, Self::Closed];
}
