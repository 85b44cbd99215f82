//! `claim`, `renew`, `release` and `ready --claim` (docs/claims.md): their arguments, the use
//! cases they call, and what they print. The `--token` of writes is `cli::GuardArgs`.

use clap::Args;
use ticket_app::{
    App, ClaimOutcome, ClaimRequest, ReadyClaimRequest, ReleaseRequest, RenewRequest, Ttl,
};

use crate::error::CliError;
use crate::output::Out;

pub const CLAIM_HELP: &str = "\
Exactly one of any number of racing claimers wins (exit 0); the others fail with exit 5
(JSON code `claimed`), naming the holder and when the lease expires. Claiming again as the
same holder renews. The lease lives outside the tracked files (the git common directory, shared
by every worktree of the clone); the claim is also a `claim` event in the thread. With
--remote, the lease also lives in a ref on that git remote, so it holds across clones.

Holder: --as, else $TICKETS_HOLDER, else <user>@<host>:<pid>.

Examples:
  ticket claim my-slug --as agent-1 --ttl 30m
  ticket --json claim my-slug --as agent-1
  ticket claim my-slug --as agent-1 && ticket comment my-slug --token 1 --file notes.md
Across clones sharing a git remote: ticket claim my-slug --remote origin. See docs/claims.md.";

pub const RENEW_HELP: &str = "\
Only the lease store changes (no tracked file: git status stays clean). A token whose lease
was released or taken by a later claim is refused (exit 5, `lease_lost`).

Examples:
  ticket claim my-slug --as agent-1 && ticket renew my-slug --token 1 --ttl 1h
With --remote R, the lease on that git remote is renewed too.";

pub const RELEASE_HELP: &str = "\
Appends a `release` event; the next claim gets a higher token.

Examples:
  ticket claim my-slug --as agent-1 && ticket release my-slug --token 1
With --remote R, the lease on that git remote is released too.";

fn ttl(text: &str) -> Result<Ttl, String> {
    Ttl::parse(text).map_err(|e| e.to_string())
}

/// `ticket claim`'s arguments.
#[derive(Debug, Args)]
pub struct ClaimArgs {
    /// A ticket id, slug or unique prefix.
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::complete::tickets))]
    pub query: String,
    /// Who claims (default: $TICKETS_HOLDER, else <user>@<host>:<pid>).
    #[arg(long = "as", value_name = "HOLDER")]
    pub holder: Option<String>,
    /// How long the lease lasts: 90s, 30m, 2h, 1d (default 30m).
    #[arg(long, value_name = "TTL", value_parser = ttl)]
    pub ttl: Option<Ttl>,
    /// Hold the lease on this git remote too, across clones (a compare-and-swap push).
    #[arg(long, value_name = "REMOTE")]
    pub remote: Option<String>,
}

/// `ticket renew`'s arguments.
#[derive(Debug, Args)]
pub struct RenewArgs {
    /// A ticket id, slug or unique prefix.
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::complete::tickets))]
    pub query: String,
    /// The token `ticket claim` gave.
    #[arg(long, value_name = "N")]
    pub token: u64,
    /// The new length, from now (default 30m).
    #[arg(long, value_name = "TTL", value_parser = ttl)]
    pub ttl: Option<Ttl>,
    #[arg(long, value_name = "REMOTE")]
    pub remote: Option<String>,
}

/// `ticket release`'s arguments.
#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// A ticket id, slug or unique prefix.
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(crate::complete::tickets))]
    pub query: String,
    /// The token `ticket claim` gave.
    #[arg(long, value_name = "N")]
    pub token: u64,
    #[arg(long, value_name = "REMOTE")]
    pub remote: Option<String>,
}

/// `ticket ready --claim`'s arguments.
#[derive(Debug, Args)]
pub struct ReadyClaimArgs {
    /// Claim the best ready ticket nobody holds, and print it (exit 6 when there is none).
    #[arg(long, conflicts_with = "explain")]
    pub claim: bool,
    /// Who claims (with --claim).
    #[arg(long = "as", value_name = "HOLDER", requires = "claim")]
    pub holder: Option<String>,
    /// How long the lease lasts (with --claim; default 30m).
    #[arg(long, value_name = "TTL", value_parser = ttl, requires = "claim")]
    pub ttl: Option<Ttl>,
}

pub fn claim(app: &App, out: &mut Out, a: ClaimArgs) -> Result<(), CliError> {
    let done = app.claim(ClaimRequest {
        query: a.query,
        holder: a.holder,
        ttl: a.ttl,
        remote: a.remote,
    })?;
    let verb = if done.renewed { "renewed" } else { "claimed" };
    print(out, &done, verb)
}

pub fn renew(app: &App, out: &mut Out, a: RenewArgs) -> Result<(), CliError> {
    let done = app.renew(RenewRequest {
        query: a.query,
        token: a.token,
        ttl: a.ttl,
        remote: a.remote,
    })?;
    print(out, &done, "renewed")
}

pub fn release(app: &App, out: &mut Out, a: ReleaseArgs) -> Result<(), CliError> {
    let done = app.release(ReleaseRequest {
        query: a.query,
        token: a.token,
        remote: a.remote,
    })?;
    print(out, &done, "released")
}

pub fn ready_claim(app: &App, out: &mut Out, a: ReadyClaimArgs) -> Result<(), CliError> {
    let done = app.ready_claim(ReadyClaimRequest {
        holder: a.holder,
        ttl: a.ttl,
    })?;
    print(out, &done, "claimed")
}

/// One line for people (`claimed <id> by <holder>: token N until T`), or the JSON outcome.
fn print(out: &mut Out, done: &ClaimOutcome, verb: &str) -> Result<(), CliError> {
    if out.json {
        return out.json(&ticket_app::wire::Claimed::from(done));
    }
    let l = &done.lease;
    let until = if verb == "released" {
        String::new()
    } else {
        format!(" until {}", l.expires)
    };
    out.text(&format!(
        "{verb} {} by {}: token {}{until}\n",
        done.id, l.holder, l.token
    ))
}
