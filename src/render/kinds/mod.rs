//! One module per kind of templated output: what it is made from and
//! what its template sees.

pub mod alias;
pub mod feed;
pub mod fixed;
pub mod page;
pub mod section;
pub mod sitemap;
pub mod taxonomy;
