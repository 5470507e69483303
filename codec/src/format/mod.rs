//! ss's output: its spellings, numbers and columns, text lines and the JSON
//! form, written to any `core::fmt::Write`. Behind the `format` feature
//! (on by default), so a program that embeds only the decoder can leave
//! ss's spellings out.
//!
//! Imports point one way: [`names`], [`number`] and [`columns`] are shared;
//! [`text`] and [`json`] each build on them and never on each other. A
//! [`line::Line`] carries what a printed socket needs besides its record;
//! [`netns`] is the leading column of a listing of every namespace.

pub mod columns;
pub mod json;
pub mod line;
pub mod names;
pub mod netns;
pub mod number;
pub mod prometheus;
pub mod summary;
pub mod text;
pub mod time;
pub mod watch;
