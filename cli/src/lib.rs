//! The CLI's parsers of operator-written files, as a library for the fuzz targets (fuzz/). These
//! modules depend on nothing else of the binary, which keeps its own module tree in main.rs.

pub mod attribute {
    pub mod receipts;
    pub mod uses;
}

pub mod ledger {
    pub mod card;
}
